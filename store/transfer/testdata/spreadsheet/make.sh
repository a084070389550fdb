#!/usr/bin/env bash
# Remakes the spreadsheet samples: a small notebook exported as CSV by rolo
# (*.rolo.csv), each file opened and saved again as CSV by Gnumeric's
# ssconvert (*.gnumeric.csv; Debian package gnumeric). Run from the
# repository root: bash store/transfer/testdata/spreadsheet/make.sh
set -euo pipefail
here=store/transfer/testdata/spreadsheet
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
go build -o "$tmp/rolo" ./cmd/rolo
r() { "$tmp/rolo" --db "$tmp/nb.db" --as-of 2026-11-22 "$@" >/dev/null; }
r init
r add 王小明 --phone 13800138000 --company 明达贸易 --birthday 1980-08-15 --lunar --tag vip --external-id 000123 \
  --notes $'喜欢普洱, "熟普"\n周末勿扰' --set 车=特斯拉
r add 欧阳娜娜 --phone 07551234567 --email nana@example.com --birthday --08-15 --external-id 000124 --city 深圳
r add "Anna Li" --phone "+86 139 0013 8000" --email anna@example.com --birthday 1985-03-08 --external-id A-7 \
  --notes "=HYPERLINK(\"http://x\")" --company "-Acme, Inc."
r add "@mention Bob" --phone "+65 8123 4567" --title "+1 buyer" --external-id 0042
r buy 000123 0.01 --item 样品 --date 2026-11-01
r buy 000123 1280.50 --item 普洱茶饼 --qty 2.5 --date 2026-11-02 --cost 800 --paid 1000 --next 2027-02-01
r buy 000124 1000000 --item "企业定制茶礼, 100 盒" --date 2025-12-31
r buy A-7 88.8 --item "=1+1" --date 2026-01-15 --note $'line 1\nline 2'
r log 000123 call "问候, 送了样品" --at 2026-11-01
r log A-7 email "sent the catalogue" --at 2026-10-05
r complaint 0042 "wrong item; delivered late"
for kind in customers purchases contacts; do
  "$tmp/rolo" --db "$tmp/nb.db" --as-of 2026-11-22 export "$kind" -o "$here/$kind.rolo.csv"
  ssconvert --import-type=Gnumeric_stf:stf_csvtab --export-type=Gnumeric_stf:stf_csv \
    "$here/$kind.rolo.csv" "$here/$kind.gnumeric.csv" 2>/dev/null
done
