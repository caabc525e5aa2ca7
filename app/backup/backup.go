// Package backup owns undersign's logical backups: a whole instance written
// to one gzipped file of JSON lines that any database of either dialect can
// read back, with a row count and a checksum per table.
//
// The file is a header line, then for each table a line naming its
// columns, its rows (one JSON array of values per line, in primary-key
// order) and a line with its row count and checksum; a manifest line of
// every table's count and checksum ends it. A table's checksum is the
// SHA-256 of its row lines, each followed by a newline. Rows are written
// in a canonical form (times in UTC to the microsecond, the precision both
// databases keep), so that the same data gives the same checksum from
// SQLite and from PostgreSQL.
//
// Export and Import stream: neither holds more than a batch of rows.
package backup

import (
	"bufio"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/undersign/undersign/app/store"
)

// Format names the file format in its header.
const Format = "undersign-backup"

// Version is the version of the file format.
const Version = 1

// batchRows is how many rows are read or inserted at a time.
const batchRows = 1000

// maxLine bounds one line of a backup file, so that a damaged file cannot
// make Import allocate without limit. Statement bodies are the longest rows.
const maxLine = 64 << 20

// Header is the first line of a backup file.
type Header struct {
	Format    string    `json:"format"`
	Version   int       `json:"version"`
	Schema    int64     `json:"schema"` // the latest migration of the database it came from
	Dialect   string    `json:"dialect"`
	CreatedAt time.Time `json:"created_at"`
}

// TableSum is a table's row count and checksum.
type TableSum struct {
	Table  string `json:"table"`
	Rows   int64  `json:"rows"`
	SHA256 string `json:"sha256"`
}

// Manifest is what a backup holds.
type Manifest struct {
	Header
	Tables []TableSum
}

// Sum returns the table's entry, or a zero one.
func (m *Manifest) Sum(table string) TableSum {
	for _, t := range m.Tables {
		if t.Table == table {
			return t
		}
	}
	return TableSum{Table: table}
}

// The control lines around the rows. Row lines are JSON arrays; control
// lines are objects, so the two never mix up.
type tableStart struct {
	Table   string   `json:"table"`
	Columns []string `json:"columns"`
}

type tableEnd struct {
	End    string `json:"end"`
	Rows   int64  `json:"rows"`
	SHA256 string `json:"sha256"`
}

type manifestLine struct {
	Manifest []TableSum `json:"manifest"`
}

// Export writes every backup table of st, as of one moment, to w (gzipped)
// and returns what it wrote. schema is the database's latest migration.
func Export(ctx context.Context, st *store.Store, schema int64, w io.Writer) (*Manifest, error) {
	zw, err := gzip.NewWriterLevel(w, gzip.BestSpeed)
	if err != nil {
		return nil, err
	}
	bw := bufio.NewWriterSize(zw, 1<<16)
	m := &Manifest{Header: Header{Format: Format, Version: Version, Schema: schema,
		Dialect: string(st.Dialect()), CreatedAt: time.Now().UTC()}}
	if err := writeJSONLine(bw, m.Header); err != nil {
		return nil, err
	}
	err = st.BackupSnapshot(ctx, func(tx *store.Store) error {
		for _, t := range store.BackupTables() {
			if err := writeJSONLine(bw, tableStart{Table: t.Name, Columns: t.Columns()}); err != nil {
				return err
			}
			sum, err := tableRows(ctx, tx, t, func(line []byte) error {
				_, err := bw.Write(line)
				return err
			})
			if err != nil {
				return err
			}
			m.Tables = append(m.Tables, sum)
			if err := writeJSONLine(bw, tableEnd{End: t.Name, Rows: sum.Rows, SHA256: sum.SHA256}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if err := writeJSONLine(bw, manifestLine{Manifest: m.Tables}); err != nil {
		return nil, err
	}
	if err := bw.Flush(); err != nil {
		return nil, err
	}
	return m, zw.Close()
}

// tableRows encodes the rows of t in primary-key order, passes each line
// (newline included) to emit and returns the table's count and checksum.
func tableRows(ctx context.Context, st *store.Store, t *store.BackupTable, emit func([]byte) error) (TableSum, error) {
	h := sha256.New()
	sum := TableSum{Table: t.Name}
	write := func(line []byte) error {
		sum.Rows++
		h.Write(line)
		return emit(line)
	}
	var small []keyedLine // rows of the tables not read in key order
	err := st.ReadBackupRows(ctx, t, batchRows, func(rows []any) error {
		for _, r := range rows {
			line, err := encodeRow(t, r)
			if err != nil {
				return err
			}
			if !t.IntID {
				small = append(small, keyedLine{key: t.Key(r), line: line})
				continue
			}
			if err := write(line); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return sum, fmt.Errorf("read %s: %w", t.Name, err)
	}
	// Sorted here rather than by the database, whose collation of text
	// differs between dialects and locales.
	sort.Slice(small, func(i, j int) bool { return keyLess(small[i].key, small[j].key) })
	for _, kl := range small {
		if err := write(kl.line); err != nil {
			return sum, err
		}
	}
	sum.SHA256 = hex.EncodeToString(h.Sum(nil))
	return sum, nil
}

type keyedLine struct {
	key  []any
	line []byte
}

// keyLess orders primary keys column by column: numbers by value, text by
// its bytes.
func keyLess(a, b []any) bool {
	for i := range a {
		switch x := a[i].(type) {
		case int64:
			if y := b[i].(int64); x != y {
				return x < y
			}
		default:
			xs, ys := fmt.Sprint(a[i]), fmt.Sprint(b[i])
			if xs != ys {
				return xs < ys
			}
		}
	}
	return false
}

// encodeRow is the canonical line of a row: a JSON array of its values in
// column order, with a newline.
func encodeRow(t *store.BackupTable, row any) ([]byte, error) {
	fields := t.Fields(row)
	buf := make([]byte, 0, 256)
	buf = append(buf, '[')
	for i, f := range fields {
		if err := canonical(f); err != nil {
			return nil, fmt.Errorf("%s column %s: %w", t.Name, t.Columns()[i], err)
		}
		v, err := json.Marshal(f)
		if err != nil {
			return nil, fmt.Errorf("%s column %s: %w", t.Name, t.Columns()[i], err)
		}
		if i > 0 {
			buf = append(buf, ',')
		}
		buf = append(buf, v...)
	}
	return append(buf, ']', '\n'), nil
}

// canonical puts the field f points to in the form both databases give
// back the same: times in UTC to the microsecond. Text that is not UTF-8
// is an error: JSON would silently replace its bytes, and PostgreSQL could
// not store it.
func canonical(f any) error {
	switch p := f.(type) {
	case *time.Time:
		*p = p.UTC().Truncate(time.Microsecond)
	case **time.Time:
		if *p != nil {
			t := (*p).UTC().Truncate(time.Microsecond)
			*p = &t
		}
	default:
		v := reflect.ValueOf(f).Elem()
		if v.Kind() == reflect.Pointer {
			if v.IsNil() {
				return nil
			}
			v = v.Elem()
		}
		if v.Kind() == reflect.String && !utf8.ValidString(v.String()) {
			return errors.New("holds bytes that are not UTF-8 text")
		}
	}
	return nil
}

func writeJSONLine(w io.Writer, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	_, err = w.Write(append(b, '\n'))
	return err
}

// Errors of reading a backup.
var (
	// ErrDamaged: the file is not a complete backup as Export writes it;
	// its checksums or counts do not match its rows, or it ends early.
	ErrDamaged = errors.New("the backup file is damaged or incomplete")
	// ErrSchema: the backup comes from a database at another migration.
	ErrSchema = errors.New("the backup was made by another version of undersign")
	// ErrNotEmpty: the database already holds an instance's data.
	ErrNotEmpty = errors.New("the database already holds data")
)

func damaged(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrDamaged, fmt.Sprintf(format, args...))
}

// Verify reads a whole backup and checks its structure, every table's
// count and checksum and the manifest, without touching a database.
func Verify(r io.Reader) (*Manifest, error) {
	return walk(r, nil, nil)
}

// Options are how Import restores.
type Options struct {
	// Schema is the target database's latest migration; the backup must
	// come from the same one.
	Schema int64
	// Force replaces the data of a database that already holds some.
	Force bool
}

// Import restores a backup into st in one transaction: it empties the
// backup's tables (refusing to when they hold data, unless o.Force),
// inserts every row with its id, checks each table's count and checksum
// against the file, moves PostgreSQL's id sequences past the restored ids
// and reads every table back to check that the database holds exactly
// what the file does. On any error nothing is changed.
func Import(ctx context.Context, st *store.Store, r io.Reader, o Options) (*Manifest, error) {
	var m *Manifest
	err := st.Tx(ctx, func(tx *store.Store) error {
		prepare := func(h Header) error {
			if h.Schema != o.Schema {
				return fmt.Errorf("%w: its database was at migration %d, this one is at %d", ErrSchema, h.Schema, o.Schema)
			}
			if !o.Force {
				if err := checkEmpty(ctx, tx); err != nil {
					return err
				}
			}
			return tx.ClearForRestore(ctx)
		}
		var err error
		if m, err = walk(r, prepare, &inserter{ctx: ctx, st: tx}); err != nil {
			return err
		}
		if err := tx.ResetSequences(ctx); err != nil {
			return err
		}
		stored, err := sums(ctx, tx)
		if err != nil {
			return err
		}
		for i, s := range stored {
			if s != m.Tables[i] {
				return fmt.Errorf("table %s was not stored as the backup holds it: %d rows (sha256 %s), the backup has %d (sha256 %s)",
					s.Table, s.Rows, s.SHA256, m.Tables[i].Rows, m.Tables[i].SHA256)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return m, nil
}

// contentTables are the tables whose rows make a database "hold data":
// a freshly migrated database already has reason codes, and a setting or
// two once a command ran.
var contentTables = []string{"statements", "statement_versions", "users", "user_tokens", "recovery_codes",
	"signatures", "audit_events"}

func checkEmpty(ctx context.Context, st *store.Store) error {
	counts, err := st.BackupRowCounts(ctx)
	if err != nil {
		return err
	}
	var held []string
	for _, t := range contentTables {
		if n := counts[t]; n > 0 {
			held = append(held, fmt.Sprintf("%d %s", n, t))
		}
	}
	if len(held) > 0 {
		return fmt.Errorf("%w (%s)", ErrNotEmpty, strings.Join(held, ", "))
	}
	return nil
}

// Checksums reads every backup table of st, as of one moment, the way
// Export does and returns their counts and checksums.
func Checksums(ctx context.Context, st *store.Store) ([]TableSum, error) {
	var out []TableSum
	err := st.BackupSnapshot(ctx, func(tx *store.Store) error {
		var err error
		out, err = sums(ctx, tx)
		return err
	})
	return out, err
}

func sums(ctx context.Context, st *store.Store) ([]TableSum, error) {
	var out []TableSum
	for _, t := range store.BackupTables() {
		s, err := tableRows(ctx, st, t, func([]byte) error { return nil })
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}

// visitor receives a backup's tables and rows as walk reads them.
type visitor interface {
	begin(t *store.BackupTable, columns []string) error
	row(line []byte) error
	end() error
}

// walk reads a backup from r, checking its structure, counts and
// checksums as it goes; prepare (when set) runs once the header is read
// and checked, v (when set) receives the content.
func walk(r io.Reader, prepare func(Header) error, v visitor) (*Manifest, error) {
	lr, err := newLineReader(r)
	if err != nil {
		return nil, err
	}
	m := &Manifest{}
	if err := lr.object(&m.Header); err != nil {
		return nil, err
	}
	if m.Format != Format || m.Version != Version {
		return nil, damaged("not an %s file of version %d", Format, Version)
	}
	if prepare != nil {
		if err := prepare(m.Header); err != nil {
			return nil, err
		}
	}
	for _, t := range store.BackupTables() {
		sum, err := walkTable(lr, t, v)
		if err != nil {
			return nil, err
		}
		m.Tables = append(m.Tables, sum)
	}
	var ml manifestLine
	if err := lr.object(&ml); err != nil {
		return nil, err
	}
	if !equalSums(ml.Manifest, m.Tables) {
		return nil, damaged("the manifest does not match the tables")
	}
	if _, err := lr.next(); !errors.Is(err, io.EOF) {
		if err == nil {
			return nil, damaged("line %d follows the manifest", lr.n)
		}
		return nil, damaged("%v", err)
	}
	return m, nil
}

func walkTable(lr *lineReader, t *store.BackupTable, v visitor) (TableSum, error) {
	var start tableStart
	if err := lr.object(&start); err != nil {
		return TableSum{}, err
	}
	if start.Table != t.Name {
		return TableSum{}, damaged("line %d: table %q where %q was expected", lr.n, start.Table, t.Name)
	}
	if v != nil {
		if err := v.begin(t, start.Columns); err != nil {
			return TableSum{}, err
		}
	}
	h := sha256.New()
	sum := TableSum{Table: t.Name}
	for {
		line, err := lr.next()
		if err != nil {
			return sum, damaged("table %s ends early: %v", t.Name, err)
		}
		if len(line) == 0 || line[0] != '[' {
			var end tableEnd
			if err := json.Unmarshal(line, &end); err != nil || end.End != t.Name {
				return sum, damaged("line %d: neither a row nor the end of table %s", lr.n, t.Name)
			}
			sum.SHA256 = hex.EncodeToString(h.Sum(nil))
			if end.Rows != sum.Rows || end.SHA256 != sum.SHA256 {
				return sum, damaged("table %s has %d rows with sha256 %s; the file says %d rows with sha256 %s",
					t.Name, sum.Rows, sum.SHA256, end.Rows, end.SHA256)
			}
			if v != nil {
				if err := v.end(); err != nil {
					return sum, err
				}
			}
			return sum, nil
		}
		sum.Rows++
		h.Write(line)
		if v != nil {
			if err := v.row(line); err != nil {
				return sum, fmt.Errorf("table %s, line %d: %w", t.Name, lr.n, err)
			}
		}
	}
}

func equalSums(a, b []TableSum) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// inserter decodes rows into models and inserts them in batches.
type inserter struct {
	ctx   context.Context
	st    *store.Store
	t     *store.BackupTable
	order []int // column of the model for each column of the file
	batch []any
	size  int
}

func (in *inserter) begin(t *store.BackupTable, columns []string) error {
	own := t.Columns()
	if len(columns) != len(own) {
		return fmt.Errorf("%w: table %s has columns %v, this version has %v", ErrSchema, t.Name, columns, own)
	}
	in.t, in.order, in.batch = t, make([]int, len(columns)), in.batch[:0]
	for i, c := range columns {
		in.order[i] = -1
		for j, o := range own {
			if c == o {
				in.order[i] = j
			}
		}
		if in.order[i] < 0 {
			return fmt.Errorf("%w: table %s has a column %s this version does not know", ErrSchema, t.Name, c)
		}
	}
	// Bound the parameters of one INSERT: SQLite allows 32766.
	in.size = max(1, 8000/len(own))
	return nil
}

func (in *inserter) row(line []byte) error {
	var vals []json.RawMessage
	if err := json.Unmarshal(line, &vals); err != nil || len(vals) != len(in.order) {
		return damaged("a row that is not an array of %d values", len(in.order))
	}
	r := in.t.NewRow()
	fields := in.t.Fields(r)
	for i, raw := range vals {
		if err := json.Unmarshal(raw, fields[in.order[i]]); err != nil {
			return damaged("column %s: %v", in.t.Columns()[in.order[i]], err)
		}
	}
	in.batch = append(in.batch, r)
	if len(in.batch) >= in.size {
		return in.flush()
	}
	return nil
}

func (in *inserter) end() error { return in.flush() }

func (in *inserter) flush() error {
	err := in.st.InsertBackupRows(in.ctx, in.t, in.batch)
	in.batch = in.batch[:0]
	return err
}

// lineReader reads the lines of a backup, gzipped or not, each at most
// maxLine long.
type lineReader struct {
	br  *bufio.Reader
	buf []byte
	n   int // lines read
}

func newLineReader(r io.Reader) (*lineReader, error) {
	br := bufio.NewReaderSize(r, 1<<16)
	magic, err := br.Peek(2)
	if err != nil {
		return nil, damaged("the file is empty or unreadable: %v", err)
	}
	if magic[0] == 0x1f && magic[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, damaged("%v", err)
		}
		br = bufio.NewReaderSize(zr, 1<<16)
	}
	return &lineReader{br: br}, nil
}

// next returns the next line with its newline; the slice is reused by the
// following call. io.EOF after the last line.
func (lr *lineReader) next() ([]byte, error) {
	lr.buf = lr.buf[:0]
	for {
		chunk, err := lr.br.ReadSlice('\n')
		lr.buf = append(lr.buf, chunk...)
		if len(lr.buf) > maxLine {
			return nil, damaged("line %d is longer than %d bytes", lr.n+1, maxLine)
		}
		switch {
		case errors.Is(err, bufio.ErrBufferFull):
			continue
		case errors.Is(err, io.EOF) && len(lr.buf) > 0:
			lr.n++
			return lr.buf, nil
		case err != nil:
			return nil, err
		}
		lr.n++
		return lr.buf, nil
	}
}

// object reads the next line as the JSON object v.
func (lr *lineReader) object(v any) error {
	line, err := lr.next()
	if err != nil {
		return damaged("it ends early, after line %d: %v", lr.n, err)
	}
	if len(line) == 0 || line[0] != '{' || json.Unmarshal(line, v) != nil {
		return damaged("line %d is not what a backup has there", lr.n)
	}
	return nil
}
