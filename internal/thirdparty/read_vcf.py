"""Parse a .vcf file with python-vobject and print its cards as JSON.

Used by rolo's Go tests as an independent vCard reader: every card is
a map from property name to a list of {"value", "params"}; N and ADR
values are objects of their parts, ORG a list of its components, so a
field that a stray ';' or ',' shifted or split shows up as a list or a
wrong part. Exit 3 when vobject is missing.
"""
import json
import sys

try:
    import vobject
except ImportError:
    sys.exit(3)


def value(v):
    if isinstance(v, vobject.vcard.Name):
        return {k: getattr(v, k) for k in ("family", "given", "additional", "prefix", "suffix")}
    if isinstance(v, vobject.vcard.Address):
        return {k: getattr(v, k) for k in ("box", "extended", "street", "city", "region", "code", "country")}
    if isinstance(v, (list, tuple)):
        return [value(x) for x in v]
    return v if isinstance(v, str) else str(v)


def main(path):
    # newline="" keeps every byte: a bare carriage return must reach the parser.
    with open(path, encoding="utf-8", newline="") as f:
        text = f.read()
    cards = []
    for card in vobject.readComponents(text, validate=True):
        props = {}
        for name, lines in card.contents.items():
            props[name.upper()] = [{"value": value(l.value), "params": {k.upper(): v for k, v in l.params.items()}} for l in lines]
        cards.append(props)
    json.dump(cards, sys.stdout, ensure_ascii=False)


main(sys.argv[1])
