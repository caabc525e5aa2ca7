package db_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"gorm.io/gorm"
	"gorm.io/gorm/schema"

	"github.com/undersign/undersign/app/apptest"
	"github.com/undersign/undersign/app/db"
	"github.com/undersign/undersign/models"
)

func TestMain(m *testing.M) { apptest.Main(m) }

func TestMigrationsUpDownUp(t *testing.T) {
	for _, dialect := range apptest.Dialects {
		t.Run(string(dialect), func(t *testing.T) {
			d := apptest.OpenDB(t, apptest.NewDSN(t, dialect, false))
			ctx := context.Background()
			m, err := db.NewMigrator(d)
			if err != nil {
				t.Fatal(err)
			}
			if pending, _ := m.Pending(ctx); !pending {
				t.Fatal("a fresh database must have pending migrations")
			}
			n, err := m.Up(ctx)
			if err != nil || n == 0 {
				t.Fatalf("up: applied %d, %v", n, err)
			}
			if err := m.DownTo(ctx, 0); err != nil {
				t.Fatalf("down to 0: %v", err)
			}
			if d.Migrator().HasTable("statements") {
				t.Error("statements table survived down")
			}
			if n2, err := m.Up(ctx); err != nil || n2 != n {
				t.Fatalf("up again: applied %d of %d, %v", n2, n, err)
			}
			st, err := m.Status(ctx)
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range st {
				if !s.Applied {
					t.Errorf("migration %d not applied", s.Version)
				}
			}
			if pending, _ := m.Pending(ctx); pending {
				t.Error("pending after up")
			}
		})
	}
}

// AllModels lists every persisted model; a model missing here escapes the
// column check below.
var allModels = []any{
	&models.Statement{}, &models.StatementVersion{}, &models.StatementTranslation{}, &models.Setting{},
	&models.Signature{}, &models.ApprovedCount{}, &models.OutboxMessage{},
	&models.CaptchaChallenge{}, &models.RateCounter{}, &models.User{},
	&models.UserToken{}, &models.RecoveryCode{}, &models.Session{},
	&models.ReasonCode{}, &models.AuditEvent{},
}

func TestEveryModelFieldHasAColumn(t *testing.T) {
	apptest.ForEachDB(t, func(t *testing.T, d *db.DB) {
		for _, m := range allModels {
			s, err := schema.Parse(m, &sync.Map{}, d.NamingStrategy)
			if err != nil {
				t.Fatal(err)
			}
			cols, err := d.Migrator().ColumnTypes(m)
			if err != nil {
				t.Fatalf("%s: %v", s.Table, err)
			}
			have := map[string]bool{}
			for _, c := range cols {
				have[c.Name()] = true
			}
			for _, f := range s.Fields {
				if f.DBName != "" && !have[f.DBName] {
					t.Errorf("%s.%s has no column %s", s.Table, f.Name, f.DBName)
				}
			}
		}
	})
}

func TestErrorsAreNormalised(t *testing.T) {
	apptest.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		now := time.Now().UTC()
		st := models.Statement{Slug: "x", Title: "X", Body: "b", VersionHash: "h", Status: models.StatementOpen,
			AcceptsOrganisations: true, Lang: "en", CreatedAt: now, UpdatedAt: now}
		if err := d.WithContext(ctx).Create(&st).Error; err != nil {
			t.Fatal(err)
		}
		dup := st
		dup.ID = 0
		err := db.Normalize(d.WithContext(ctx).Create(&dup).Error)
		if !errors.Is(err, db.ErrConflict) {
			t.Errorf("duplicate slug: want ErrConflict, got %v", err)
		}
		var none models.Statement
		err = db.Normalize(d.WithContext(ctx).Where("slug = ?", "nope").Take(&none).Error)
		if !errors.Is(err, db.ErrNotFound) {
			t.Errorf("missing row: want ErrNotFound, got %v", err)
		}
	})
}

func TestSQLiteSettings(t *testing.T) {
	d := apptest.NewDB(t, db.SQLite)
	var mode string
	var fk, busy int
	d.Raw("PRAGMA journal_mode").Scan(&mode)
	d.Raw("PRAGMA foreign_keys").Scan(&fk)
	d.Raw("PRAGMA busy_timeout").Scan(&busy)
	if mode != "wal" || fk != 1 || busy < 1000 {
		t.Errorf("journal_mode=%s foreign_keys=%d busy_timeout=%d", mode, fk, busy)
	}
}

// Read-then-write transactions must not fail with SQLITE_BUSY under
// concurrency: transactions start IMMEDIATE, so they queue for the write
// lock instead of failing to upgrade a read lock.
func TestConcurrentReadThenWriteTransactions(t *testing.T) {
	apptest.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		var wg sync.WaitGroup
		errs := make(chan error, 20)
		for i := range 20 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs <- d.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
					var n int64
					if err := tx.Model(&models.Setting{}).Count(&n).Error; err != nil {
						return err
					}
					time.Sleep(time.Millisecond)
					return tx.Create(&models.Setting{Key: fmt.Sprintf("k%d", i), Value: "v", UpdatedAt: time.Now().UTC()}).Error
				})
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Errorf("transaction failed: %v", err)
			}
		}
	})
}

func TestIsUnavailable(t *testing.T) {
	cases := []struct {
		err  error
		want bool
	}{
		{&pgconn.ConnectError{}, true},
		{fmt.Errorf("query: %w", &pgconn.PgError{Code: "57P01"}), true},
		{&pgconn.PgError{Code: "08006"}, true},
		{&pgconn.PgError{Code: "53300"}, true},
		{&pgconn.PgError{Code: "23505"}, false},
		{errors.New("sql: database is closed"), true},
		{errors.New("dial tcp 127.0.0.1:5432: connect: connection refused"), true},
		{errors.New("syntax error"), false},
		{nil, false},
	}
	for _, tc := range cases {
		if got := db.IsUnavailable(tc.err); got != tc.want {
			t.Errorf("IsUnavailable(%v) = %v, want %v", tc.err, got, tc.want)
		}
	}
}
