package store

import (
	"context"
	"database/sql"
	"fmt"
	"reflect"
	"sync"

	"gorm.io/gorm"
	"gorm.io/gorm/schema"

	"github.com/undersign/undersign/app/db"
	"github.com/undersign/undersign/models"
)

// BackupTable is a table that a backup carries, with the model its rows
// are read into and written from.
type BackupTable struct {
	Name string
	// IntID: keyed by an integer id, read in batches by id. The other
	// tables are small and read whole.
	IntID bool

	model   any
	columns []string
	fields  [][]int // struct field index of each column
	key     [][]int // struct field index of each primary-key column
}

// backupTables are the tables of a backup, parents before children, so that
// inserting in this order satisfies every foreign key. Left out: the
// outbox, sessions, CAPTCHA challenges and rate counters (short-lived
// working state) and the public counts (approved_counts, approved_tallies,
// count_deltas), which triggers derive from the signatures as they are
// restored.
var backupTables = []*BackupTable{
	{Name: "statements", IntID: true, model: &models.Statement{}},
	{Name: "statement_versions", IntID: true, model: &models.StatementVersion{}},
	{Name: "statement_translations", IntID: true, model: &models.StatementTranslation{}},
	{Name: "settings", model: &models.Setting{}},
	{Name: "users", IntID: true, model: &models.User{}},
	{Name: "user_tokens", IntID: true, model: &models.UserToken{}},
	{Name: "recovery_codes", IntID: true, model: &models.RecoveryCode{}},
	{Name: "reason_codes", IntID: true, model: &models.ReasonCode{}},
	{Name: "signatures", IntID: true, model: &models.Signature{}},
	{Name: "audit_events", IntID: true, model: &models.AuditEvent{}},
}

// clearedOnRestore are emptied with the backup's tables when a backup
// replaces an instance's data: counts derive from the signatures, and
// sessions name user ids that may now belong to someone else.
var clearedOnRestore = []string{"count_deltas", "approved_counts", "approved_tallies", "sessions"}

var backupSchemas sync.Once

// BackupTables lists the tables a backup carries, in insertion order.
func BackupTables() []*BackupTable {
	backupSchemas.Do(func() {
		cache := &sync.Map{}
		for _, t := range backupTables {
			s, err := schema.Parse(t.model, cache, schema.NamingStrategy{})
			if err != nil || s.Table != t.Name {
				panic(fmt.Sprintf("backup table %s: %v (model table %q)", t.Name, err, s.Table)) // a build defect
			}
			for _, f := range s.Fields {
				if f.DBName != "" {
					t.columns = append(t.columns, f.DBName)
					t.fields = append(t.fields, f.StructField.Index)
				}
			}
			for _, f := range s.PrimaryFields {
				t.key = append(t.key, f.StructField.Index)
			}
		}
	})
	return backupTables
}

// Columns are the table's columns, in the model's field order.
func (t *BackupTable) Columns() []string { return t.columns }

// NewRow returns a pointer to a zero row of the table's model.
func (t *BackupTable) NewRow() any { return reflect.New(reflect.TypeOf(t.model).Elem()).Interface() }

// Fields returns pointers to row's fields, in Columns order; row comes from
// NewRow or ReadBackupRows.
func (t *BackupTable) Fields(row any) []any {
	v := reflect.ValueOf(row).Elem()
	out := make([]any, len(t.fields))
	for i, idx := range t.fields {
		out[i] = v.FieldByIndex(idx).Addr().Interface()
	}
	return out
}

// Key returns the values of row's primary-key columns.
func (t *BackupTable) Key(row any) []any {
	v := reflect.ValueOf(row).Elem()
	out := make([]any, len(t.key))
	for i, idx := range t.key {
		out[i] = v.FieldByIndex(idx).Interface()
	}
	return out
}

// BackupSnapshot runs fn on a store bound to one read-only transaction, so
// that every table is read as of the same moment while the service keeps
// writing. On SQLite it is a deferred transaction: it takes no write lock.
func (s *Store) BackupSnapshot(ctx context.Context, fn func(tx *Store) error) error {
	opts := &sql.TxOptions{ReadOnly: true}
	if s.Dialect() == db.Postgres {
		opts.Isolation = sql.LevelRepeatableRead
	}
	return db.Normalize(s.conn(ctx).Transaction(func(tx *gorm.DB) error {
		return fn(&Store{db: s.db.On(tx)})
	}, opts))
}

// ReadBackupRows calls fn with the rows of t, batch by batch, in id order
// for tables keyed by id; the other tables come in one batch in no
// particular order. Each row is a pointer to a model.
func (s *Store) ReadBackupRows(ctx context.Context, t *BackupTable, batch int, fn func(rows []any) error) error {
	var last int64
	for {
		slice := reflect.New(reflect.SliceOf(reflect.TypeOf(t.model).Elem()))
		q := s.conn(ctx).Model(t.model)
		if t.IntID {
			q = q.Where("id > ?", last).Order("id").Limit(batch)
		}
		if err := q.Find(slice.Interface()).Error; err != nil {
			return db.Normalize(err)
		}
		rows := slice.Elem()
		if rows.Len() == 0 {
			return nil
		}
		out := make([]any, rows.Len())
		for i := range out {
			out[i] = rows.Index(i).Addr().Interface()
		}
		if err := fn(out); err != nil {
			return err
		}
		if !t.IntID || rows.Len() < batch {
			return nil
		}
		last = rows.Index(rows.Len() - 1).FieldByName("ID").Int()
	}
}

// BackupRowCounts counts the rows of every backup table.
func (s *Store) BackupRowCounts(ctx context.Context) (map[string]int64, error) {
	out := make(map[string]int64, len(backupTables))
	for _, t := range BackupTables() {
		var n int64
		if err := s.conn(ctx).Model(t.model).Count(&n).Error; err != nil {
			return nil, db.Normalize(err)
		}
		out[t.Name] = n
	}
	return out, nil
}

// ClearForRestore deletes every row of the backup tables, children first,
// and of the tables derived from them. Run it in the restoring
// transaction.
func (s *Store) ClearForRestore(ctx context.Context) error {
	tables := BackupTables()
	for i := len(tables) - 1; i >= 0; i-- {
		if err := s.conn(ctx).Where("1 = 1").Delete(tables[i].model).Error; err != nil {
			return fmt.Errorf("empty %s: %w", tables[i].Name, db.Normalize(err))
		}
	}
	for _, name := range clearedOnRestore {
		// #nosec G202 -- a fixed table name from the list above
		if err := s.conn(ctx).Exec("DELETE FROM " + name).Error; err != nil {
			return fmt.Errorf("empty %s: %w", name, db.Normalize(err))
		}
	}
	return nil
}

// InsertBackupRows inserts rows (pointers from t.NewRow) with their ids as
// given.
func (s *Store) InsertBackupRows(ctx context.Context, t *BackupTable, rows []any) error {
	if len(rows) == 0 {
		return nil
	}
	slice := reflect.MakeSlice(reflect.SliceOf(reflect.TypeOf(t.model).Elem()), 0, len(rows))
	for _, r := range rows {
		slice = reflect.Append(slice, reflect.ValueOf(r).Elem())
	}
	if err := s.conn(ctx).Create(slice.Interface()).Error; err != nil {
		return fmt.Errorf("insert into %s: %w", t.Name, db.Normalize(err))
	}
	return nil
}

// ResetSequences moves PostgreSQL's identity sequences past the highest id
// of each table, so that rows inserted with explicit ids are not followed
// by an insert that picks a taken id. SQLite's AUTOINCREMENT follows
// explicit ids by itself.
func (s *Store) ResetSequences(ctx context.Context) error {
	if s.Dialect() != db.Postgres {
		return nil
	}
	for _, t := range BackupTables() {
		if !t.IntID {
			continue
		}
		// #nosec G202 -- a fixed table name from the list above
		q := "SELECT setval(pg_get_serial_sequence(?, 'id'), (SELECT COALESCE(MAX(id), 0) + 1 FROM " + t.Name + "), false)"
		if err := s.conn(ctx).Exec(q, t.Name).Error; err != nil {
			return fmt.Errorf("reset the id sequence of %s: %w", t.Name, db.Normalize(err))
		}
	}
	return nil
}
