package transfer

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"path"
	"strconv"
	"strings"
)

// readXLSX reads a workbook's sheet named after the kind being imported,
// or else its first sheet: a header row, then one record per row. Values
// are the cells' own — text with its _xHHHH_ escapes undone, an amount as
// 1280.5, a date as its serial number (parseRow turns it into a date for
// date columns), a boolean as 1 or 0.
func readXLSX(r io.Reader, kind string) (*source, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, fmt.Errorf("not an xlsx workbook: %v", err)
	}
	wb := &workbook{files: map[string]*zip.File{}}
	for _, f := range zr.File {
		wb.files[strings.TrimPrefix(f.Name, "/")] = f
	}
	sheet, name, err := wb.sheet(kind)
	if err != nil {
		return nil, err
	}
	src := &source{unit: "row", xlsx: true}
	err = wb.rows(sheet, func(n int, cells []string) error {
		if src.shown == nil {
			src.shown = cells
			return nil
		}
		if len(cells) > len(src.shown) {
			for j := len(src.shown); j < len(cells); j++ {
				if cells[j] != "" {
					return fmt.Errorf("sheet %s, cell %s%d: a value beyond the last named column; give the column a header", name, columnName(j+1), n)
				}
			}
			cells = cells[:len(src.shown)]
		}
		rr := rawRecord{line: n, values: make([]string, len(src.shown)), cols: make([]int, len(src.shown))}
		copy(rr.values, cells)
		for j := range rr.cols {
			rr.cols[j] = j + 1
		}
		src.recs = append(src.recs, rr)
		return nil
	})
	if err != nil {
		return nil, err
	}
	if src.shown == nil {
		return nil, fmt.Errorf("sheet %s is empty; it needs a header row naming the columns", name)
	}
	return src, nil
}

// workbook is an opened xlsx package.
type workbook struct {
	files  map[string]*zip.File
	shared []string
}

func (wb *workbook) decoder(name string) (*xml.Decoder, io.Closer, error) {
	f, ok := wb.files[name]
	if !ok {
		return nil, nil, fmt.Errorf("not an xlsx workbook: no part %s", name)
	}
	rc, err := f.Open()
	if err != nil {
		return nil, nil, fmt.Errorf("not an xlsx workbook: %s: %v", name, err)
	}
	return xml.NewDecoder(rc), rc, nil
}

// relationships reads the .rels part of a part: id → target path, and
// the targets by the last word of their type.
func (wb *workbook) relationships(part string) (byID, byType map[string]string) {
	byID, byType = map[string]string{}, map[string]string{}
	dir, base := path.Split(part)
	dec, c, err := wb.decoder(dir + "_rels/" + base + ".rels")
	if err != nil {
		return
	}
	defer c.Close()
	for {
		tok, err := dec.Token()
		if err != nil {
			return
		}
		if se, ok := tok.(xml.StartElement); ok && se.Name.Local == "Relationship" {
			var id, target, typ string
			for _, a := range se.Attr {
				switch a.Name.Local {
				case "Id":
					id = a.Value
				case "Target":
					target = a.Value
				case "Type":
					typ = a.Value[strings.LastIndexByte(a.Value, '/')+1:]
				}
			}
			if strings.HasPrefix(target, "/") {
				target = target[1:]
			} else {
				target = path.Join(dir, target)
			}
			byID[id], byType[typ] = target, target
		}
	}
}

// sheet finds the part of the sheet named like kind, or of the first one,
// and reads the shared strings.
func (wb *workbook) sheet(kind string) (part, name string, err error) {
	_, root := wb.relationships("")
	book := root["officeDocument"]
	if book == "" {
		book = "xl/workbook.xml"
	}
	ids, types := wb.relationships(book)
	dec, c, err := wb.decoder(book)
	if err != nil {
		return "", "", err
	}
	defer c.Close()
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			return "", "", fmt.Errorf("not an xlsx workbook: %v", err)
		}
		se, ok := tok.(xml.StartElement)
		if !ok || se.Name.Local != "sheet" {
			continue
		}
		var n, id string
		for _, a := range se.Attr {
			switch {
			case a.Name.Local == "name":
				n = a.Value
			case a.Name.Local == "id" && a.Name.Space != "":
				id = a.Value
			}
		}
		if part == "" || strings.EqualFold(n, kind) {
			part, name = ids[id], n
		}
	}
	if part == "" {
		return "", "", errors.New("the workbook has no sheets")
	}
	if ss := types["sharedStrings"]; ss != "" {
		if wb.shared, err = wb.sharedStrings(ss); err != nil {
			return "", "", err
		}
	}
	return part, name, nil
}

// text reads the text of an <si> or <is> element up to its end: the <t>
// of the element and of its runs, but not phonetic guides (<rPh>).
func text(dec *xml.Decoder, end string) (string, error) {
	var b strings.Builder
	inT, skip := false, 0
	for {
		tok, err := dec.Token()
		if err != nil {
			return "", err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "rPh":
				skip++
			case "t":
				inT = skip == 0
			}
		case xml.EndElement:
			switch t.Name.Local {
			case "rPh":
				skip--
			case "t":
				inT = false
			case end:
				return xlsxUnescape(b.String()), nil
			}
		case xml.CharData:
			if inT {
				b.Write(t)
			}
		}
	}
}

func (wb *workbook) sharedStrings(part string) ([]string, error) {
	dec, c, err := wb.decoder(part)
	if err != nil {
		return nil, err
	}
	defer c.Close()
	var out []string
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			return out, nil
		} else if err != nil {
			return nil, fmt.Errorf("not an xlsx workbook: shared strings: %v", err)
		}
		if se, ok := tok.(xml.StartElement); ok && se.Name.Local == "si" {
			s, err := text(dec, "si")
			if err != nil {
				return nil, fmt.Errorf("not an xlsx workbook: shared strings: %v", err)
			}
			out = append(out, s)
		}
	}
}

// cellColumn is the 1-based column of a reference such as "AB12".
func cellColumn(ref string) int {
	n := 0
	for _, c := range ref {
		if c < 'A' || c > 'Z' {
			break
		}
		n = n*26 + int(c-'A'+1)
	}
	return n
}

// rows calls fn with each row of the sheet that has a value, numbered as
// in the sheet, cells in their columns.
func (wb *workbook) rows(part string, fn func(n int, cells []string) error) error {
	dec, c, err := wb.decoder(part)
	if err != nil {
		return err
	}
	defer c.Close()
	var (
		cells    []string
		row, col int
		typ, v   string
		inV      bool
	)
	bad := func(err error) error { return fmt.Errorf("not an xlsx workbook: sheet row %d: %v", row, err) }
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			return nil
		} else if err != nil {
			return bad(err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "row":
				row++
				for _, a := range t.Attr {
					if a.Name.Local == "r" {
						if n, err := strconv.Atoi(a.Value); err == nil {
							row = n
						}
					}
				}
				cells, col = cells[:0], 0
			case "c":
				col++
				typ, v = "n", ""
				for _, a := range t.Attr {
					switch a.Name.Local {
					case "r":
						if n := cellColumn(a.Value); n > 0 {
							col = n
						}
					case "t":
						typ = a.Value
					}
				}
			case "v":
				inV = true
			case "is":
				if v, err = text(dec, "is"); err != nil {
					return bad(err)
				}
			}
		case xml.CharData:
			if inV {
				v += string(t)
			}
		case xml.EndElement:
			switch t.Name.Local {
			case "v":
				inV = false
			case "c":
				switch typ {
				case "s":
					i, err := strconv.Atoi(strings.TrimSpace(v))
					if err != nil || i < 0 || i >= len(wb.shared) {
						return bad(fmt.Errorf("no shared string %q", v))
					}
					v = wb.shared[i]
				case "str":
					v = xlsxUnescape(v)
				}
				for len(cells) < col {
					cells = append(cells, "")
				}
				cells[col-1] = v
			case "row":
				empty := true
				for _, s := range cells {
					empty = empty && s == ""
				}
				if !empty {
					if err := fn(row, append([]string(nil), cells...)); err != nil {
						return err
					}
				}
			}
		}
	}
}
