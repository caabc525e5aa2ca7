package backup_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/undersign/undersign/app/apptest"
	"github.com/undersign/undersign/app/audit"
	"github.com/undersign/undersign/app/auth"
	"github.com/undersign/undersign/app/backup"
	"github.com/undersign/undersign/app/db"
	"github.com/undersign/undersign/app/keys"
	"github.com/undersign/undersign/app/signing"
	"github.com/undersign/undersign/app/store"
	"github.com/undersign/undersign/models"
)

func TestMain(m *testing.M) { apptest.Main(m) }

const (
	adminEmail    = "admin@example.org"
	adminPassword = "correct horse battery staple"
	slug          = "no-to-imperialist-invasion"
)

// populated is an instance's database with a row in every backup table,
// NULLs and hostile text included, and what a person holds to use it: a
// confirmation link and a password.
type populated struct {
	d     *db.DB
	st    *store.Store
	token string // the raw confirmation token of an unconfirmed signature
}

func populate(t *testing.T, dialect db.Dialect) *populated {
	t.Helper()
	ctx := context.Background()
	d := apptest.NewDB(t, dialect)
	in := apptest.NewInstance(t, d) // imports the shipped statement
	s := in.Store
	p := &populated{d: d, st: s, token: keys.RandomToken(32)}

	st, err := s.StatementBySlug(ctx, slug)
	if err != nil {
		t.Fatal(err)
	}
	draft := &models.Statement{Slug: "draft-two", Title: "Zwei «Entwurf» <b>&</b>", Body: "First text.\n",
		Status: models.StatementDraft, Lang: "de", AcceptsIndividuals: true}
	if _, err := s.SaveStatement(ctx, draft); err != nil {
		t.Fatal(err)
	}
	draft.Body = "Second text, a new version.\n"
	if _, err := s.SaveStatement(ctx, draft); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SaveTranslation(ctx, &models.StatementTranslation{StatementID: draft.ID, Lang: "uk",
		Title: "Переклад «чернетки» <b>&</b>", Preface: "Примітка", Body: "Текст перекладу.\n"}); err != nil {
		t.Fatal(err)
	}
	if err := s.SetSetting(ctx, "backup.test", "value with \"quotes\" and ünïcode"); err != nil {
		t.Fatal(err)
	}

	admin := &models.User{Email: adminEmail, Role: models.RoleAdmin, PasswordHash: auth.HashPassword(adminPassword)}
	mod := &models.User{Email: "mod@example.org", Role: models.RoleModerator, PasswordHash: admin.PasswordHash}
	for _, u := range []*models.User{admin, mod} {
		if err := s.CreateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.ReplaceRecoveryCodes(ctx, admin.ID, []string{keys.HashToken("code-1"), keys.HashToken("code-2")}); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateUserToken(ctx, &models.UserToken{Kind: "invite", TokenHash: keys.HashToken("invite"),
		Email: "new@example.org", Role: models.RoleModerator, CreatedBy: &admin.ID,
		ExpiresAt: time.Now().UTC().Add(time.Hour), CreatedAt: time.Now().UTC()}); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateReasonCode(ctx, &models.ReasonCode{Code: "off-topic", Label: "Off topic", Active: false}); err != nil {
		t.Fatal(err)
	}

	// Signatures in every status, with times that carry nanoseconds as
	// Go makes them.
	hash, expires := keys.HashToken(p.token), time.Now().UTC().Add(24*time.Hour)
	for i, status := range []models.SignatureStatus{models.StatusUnconfirmed, models.StatusPending, models.StatusApproved,
		models.StatusApproved, models.StatusRejected, models.StatusSpam, models.StatusWithdrawn} {
		now := time.Now().UTC()
		email := fmt.Sprintf("sig%d@example.org", i)
		name := fmt.Sprintf("Organisation %d \"Ünïon\" <script>alert(%d)</script>", i, i)
		sig := &models.Signature{StatementID: st.ID, Kind: models.KindOrganisation, Status: models.StatusPending,
			Version: 1, Name: name, NameNorm: signing.NormaliseName(name), Country: []string{"DE", "UA", "FR"}[i%3],
			OrgType: "union", Email: &email, EmailDomain: "example.org", VersionHash: st.VersionHash, Sends: 1,
			Comment: "line one\nline two ✊", LastSentAt: &now, CreatedAt: now, UpdatedAt: now}
		if status == models.StatusUnconfirmed {
			sig.Status, sig.TokenHash, sig.TokenExpiresAt = status, &hash, &expires
		}
		if ok, err := s.InsertSignature(ctx, sig); err != nil || !ok {
			t.Fatalf("insert signature: %v %v", ok, err)
		}
		if status != sig.Status {
			if err := s.Transition(ctx, sig, status, map[string]any{"decided_by": admin.ID, "reason_note": "noted"}); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := audit.Record(ctx, s, audit.Actor{ID: admin.ID, Email: admin.Email, IPHMAC: "ip"}, audit.Entry{
		Action: audit.Approved, TargetType: audit.TargetSignature, TargetID: 3, StatementID: st.ID,
		Before: map[string]any{"status": "pending"}, After: map[string]any{"status": "approved", "note": "ok ✓"}}); err != nil {
		t.Fatal(err)
	}
	// Working state a backup leaves out.
	if err := s.SaveSession(ctx, "session-hash", []byte("data"), time.Now().UTC().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	counts, err := s.BackupRowCounts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for table, n := range counts {
		if n == 0 {
			t.Fatalf("the fixture left %s empty", table)
		}
	}
	return p
}

func export(t *testing.T, s *store.Store) ([]byte, *backup.Manifest) {
	t.Helper()
	var buf bytes.Buffer
	m, err := backup.Export(context.Background(), s, 30, &buf)
	if err != nil {
		t.Fatalf("export: %v", err)
	}
	return buf.Bytes(), m
}

func TestRoundTripBetweenAndAcrossDatabases(t *testing.T) {
	for _, from := range apptest.Dialects {
		for _, to := range apptest.Dialects {
			t.Run(string(from)+"-to-"+string(to), func(t *testing.T) {
				ctx := context.Background()
				src := populate(t, from)
				file, m := export(t, src.st)
				if _, err := backup.Verify(bytes.NewReader(file)); err != nil {
					t.Fatalf("verify: %v", err)
				}
				dst := apptest.NewDB(t, to)
				got, err := backup.Import(ctx, store.New(dst), bytes.NewReader(file), backup.Options{Schema: 30})
				if err != nil {
					t.Fatalf("import: %v", err)
				}
				srcSums, _ := backup.Checksums(ctx, src.st)
				dstSums, err := backup.Checksums(ctx, store.New(dst))
				if err != nil {
					t.Fatal(err)
				}
				if !slices.Equal(srcSums, dstSums) || !slices.Equal(dstSums, m.Tables) || !slices.Equal(got.Tables, m.Tables) {
					t.Errorf("checksums differ:\nsource   %v\nfile     %v\nrestored %v", srcSums, m.Tables, dstSums)
				}
				assertSameTallies(t, src.d, dst)
				var sessions int64
				dst.Model(&models.Session{}).Count(&sessions)
				if sessions != 0 {
					t.Errorf("%d sessions restored; a backup carries none", sessions)
				}
				// A second export of the restored database is the same
				// backup, row for row.
				again, m2 := export(t, store.New(dst))
				if !slices.Equal(m2.Tables, m.Tables) || !bytes.Equal(rowLines(t, again), rowLines(t, file)) {
					t.Error("exporting the restored database gives other rows")
				}
				checkRestoredInstance(t, dst, src.token)
			})
		}
	}
}

// assertSameTallies compares the list's tallies, which the backup does not
// carry but the restored database computes from the signatures.
func assertSameTallies(t *testing.T, a, b *db.DB) {
	t.Helper()
	type tally struct {
		StatementID int64
		Dimension   string
		Key         string
		N           int64
	}
	read := func(d *db.DB) []tally {
		var out []tally
		// Folded counters plus the changes not folded yet.
		q := `SELECT statement_id, dimension, key, SUM(n) AS n FROM (
			SELECT statement_id, dimension, key, n FROM approved_tallies
			UNION ALL SELECT statement_id, 'country', country, n FROM approved_counts
			UNION ALL SELECT statement_id, dimension, key, delta FROM count_deltas) AS c
			GROUP BY statement_id, dimension, key HAVING SUM(n) <> 0 ORDER BY statement_id, dimension, key`
		if err := d.Raw(q).Scan(&out).Error; err != nil {
			t.Fatal(err)
		}
		return out
	}
	if ta, tb := read(a), read(b); !slices.Equal(ta, tb) || len(ta) == 0 {
		t.Errorf("approved tallies: source %v, restored %v", ta, tb)
	}
}

// checkRestoredInstance serves the restored database and uses it as people
// would: the confirmation link sent before the backup still works, the
// admin still logs in, the public count is the same, and new rows get ids
// that do not collide with the restored ones.
func checkRestoredInstance(t *testing.T, d *db.DB, token string) {
	t.Helper()
	in := apptest.NewInstance(t, d)
	c := apptest.NewClient(t, in.Web.App())
	if r := c.Get("/confirm/" + token); r.StatusCode != 200 || !strings.Contains(r.Body, "Confirm my signature") {
		t.Errorf("confirmation link after the restore: %d", r.StatusCode)
	}
	if r := c.Get("/api/v1/statements/" + slug); !strings.Contains(r.Body, `"counts":{"total":2,`) {
		t.Errorf("public count after the restore: %d %s", r.StatusCode, r.Body)
	}
	login := c.Get("/admin/login")
	csrf := regexp.MustCompile(`name="_csrf" value="([^"]+)"`).FindStringSubmatch(login.Body)
	if csrf == nil {
		t.Fatalf("login form: %d", login.StatusCode)
	}
	r := c.PostForm("/admin/login", url.Values{"_csrf": {csrf[1]}, "email": {adminEmail}, "password": {adminPassword}})
	if r.StatusCode != 303 || r.Header.Get("Location") != "/admin" {
		t.Errorf("admin login after the restore: %d %s", r.StatusCode, r.Header.Get("Location"))
	}
	ctx := context.Background()
	st, _ := in.Store.StatementBySlug(ctx, slug)
	email := "after-restore@example.org"
	now := time.Now().UTC()
	sig := &models.Signature{StatementID: st.ID, Kind: models.KindOrganisation, Status: models.StatusPending, Version: 1,
		Name: "After", NameNorm: "after", Country: "DE", Email: &email, VersionHash: st.VersionHash, CreatedAt: now, UpdatedAt: now}
	if ok, err := in.Store.InsertSignature(ctx, sig); err != nil || !ok {
		t.Errorf("a new signature after the restore: %v %v", ok, err)
	}
	if err := in.Store.CreateUser(ctx, &models.User{Email: "later@example.org", Role: models.RoleModerator, PasswordHash: "x"}); err != nil {
		t.Errorf("a new user after the restore: %v", err)
	}
}

// rowLines is a backup's row lines, without the header's time.
func rowLines(t *testing.T, file []byte) []byte {
	t.Helper()
	plain := gunzip(t, file)
	_, rest, _ := bytes.Cut(plain, []byte("\n"))
	return rest
}

func gunzip(t *testing.T, file []byte) []byte {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(file))
	if err != nil {
		t.Fatal(err)
	}
	plain, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	return plain
}

func gzipped(plain []byte) []byte {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	_, _ = zw.Write(plain)
	_ = zw.Close()
	return buf.Bytes()
}

func TestDamagedFilesAreRefusedAndChangeNothing(t *testing.T) {
	apptest.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		src := populate(t, d.Dialect)
		file, _ := export(t, src.st)
		plain := gunzip(t, file)
		cases := map[string][]byte{
			// A changed byte in a row: the table's checksum catches it.
			"edited row": bytes.Replace(plain, []byte("sig1@example.org"), []byte("sig1@example.com"), 1),
			// The counts and checksums edited to match are caught by the manifest.
			"removed row":  removeLine(plain, "sig2@example.org"),
			"truncated":    plain[:len(plain)*2/3],
			"no manifest":  plain[:bytes.LastIndex(plain[:len(plain)-1], []byte("\n"))+1],
			"not a backup": []byte(`{"format":"something-else","version":1}` + "\n"),
			"empty":        nil,
		}
		dst := apptest.NewDB(t, d.Dialect) // every refusal must leave it as it is
		before, _ := backup.Checksums(ctx, store.New(dst))
		for name, content := range cases {
			t.Run(name, func(t *testing.T) {
				for _, f := range [][]byte{content, gzipped(content)} {
					if _, err := backup.Verify(bytes.NewReader(f)); !errors.Is(err, backup.ErrDamaged) {
						t.Errorf("verify: %v, want ErrDamaged", err)
					}
					_, err := backup.Import(ctx, store.New(dst), bytes.NewReader(f), backup.Options{Schema: 30})
					if !errors.Is(err, backup.ErrDamaged) {
						t.Errorf("import: %v, want ErrDamaged", err)
					}
					if after, _ := backup.Checksums(ctx, store.New(dst)); !slices.Equal(before, after) {
						t.Errorf("a refused import changed the database:\nbefore %v\nafter  %v", before, after)
					}
				}
			})
		}
		if _, err := backup.Import(ctx, store.New(dst), bytes.NewReader(file),
			backup.Options{Schema: 31}); !errors.Is(err, backup.ErrSchema) {
			t.Errorf("a backup of another schema: %v, want ErrSchema", err)
		}
	})
}

// removeLine drops the first line containing s.
func removeLine(plain []byte, s string) []byte {
	i := bytes.Index(plain, []byte(s))
	start := bytes.LastIndexByte(plain[:i], '\n') + 1
	end := i + bytes.IndexByte(plain[i:], '\n') + 1
	return append(slices.Clone(plain[:start]), plain[end:]...)
}

func TestADatabaseWithDataIsReplacedOnlyWhenForced(t *testing.T) {
	apptest.ForEachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		src := populate(t, d.Dialect)
		file, m := export(t, src.st)
		other := populate(t, d.Dialect) // another instance, with data and a session
		before, _ := backup.Checksums(ctx, other.st)
		_, err := backup.Import(ctx, other.st, bytes.NewReader(file), backup.Options{Schema: 30})
		if !errors.Is(err, backup.ErrNotEmpty) || !strings.Contains(err.Error(), "signatures") {
			t.Fatalf("import into a database with data: %v, want ErrNotEmpty naming what it holds", err)
		}
		if after, _ := backup.Checksums(ctx, other.st); !slices.Equal(before, after) {
			t.Fatal("the refused import changed the database")
		}
		if _, err := backup.Import(ctx, other.st, bytes.NewReader(file), backup.Options{Schema: 30, Force: true}); err != nil {
			t.Fatalf("forced import: %v", err)
		}
		if after, _ := backup.Checksums(ctx, other.st); !slices.Equal(after, m.Tables) {
			t.Errorf("after a forced import:\n%v\nwant\n%v", after, m.Tables)
		}
		var sessions int64
		other.d.Model(&models.Session{}).Count(&sessions)
		if sessions != 0 {
			t.Error("sessions of the replaced data survived: they name user ids that are someone else's now")
		}
		assertSameTallies(t, src.d, other.d)
	})
}

// TestEveryColumnAndTableIsAccountedFor fails when a migration adds a
// column the backup would drop, or a table nobody decided about.
func TestEveryColumnAndTableIsAccountedFor(t *testing.T) {
	skipped := []string{"outbox", "sessions", "captcha_challenges", "rate_counters", "approved_counts", "approved_tallies",
		"count_deltas", "goose_db_version"}
	apptest.ForEachDB(t, func(t *testing.T, d *db.DB) {
		tables, err := d.Migrator().GetTables()
		if err != nil {
			t.Fatal(err)
		}
		carried := map[string]*store.BackupTable{}
		for _, bt := range store.BackupTables() {
			carried[bt.Name] = bt
		}
		for _, name := range tables {
			// signatures_name_fts*: SQLite's search index, rebuilt by triggers.
			if strings.HasPrefix(name, "sqlite_") || strings.HasPrefix(name, "signatures_name_fts") || slices.Contains(skipped, name) {
				continue
			}
			bt, ok := carried[name]
			if !ok {
				t.Errorf("table %s is neither in a backup nor listed as left out", name)
				continue
			}
			cols, err := d.Migrator().ColumnTypes(name)
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range cols {
				if !slices.Contains(bt.Columns(), c.Name()) {
					t.Errorf("column %s.%s is not carried by a backup (no model field)", name, c.Name())
				}
			}
		}
	})
}

// TestLargeTablesCrossBatches exports and restores more rows than one
// batch, in both directions, so that key pagination and batched inserts
// are both exercised.
func TestLargeTablesCrossBatches(t *testing.T) {
	ctx := context.Background()
	src := apptest.NewDB(t, db.SQLite)
	s := store.New(src)
	in := apptest.NewInstance(t, src)
	st, _ := in.Store.StatementBySlug(ctx, slug)
	const n = 2345
	now := time.Now().UTC()
	rows := make([]models.Signature, n)
	for i := range rows {
		email := fmt.Sprintf("bulk%d@example.org", i)
		rows[i] = models.Signature{StatementID: st.ID, Kind: models.KindOrganisation, Status: models.StatusApproved,
			Version: 1, Name: fmt.Sprintf("Bulk %d", i), NameNorm: fmt.Sprintf("bulk %d", i), Country: "DE",
			Email: &email, VersionHash: st.VersionHash, ApprovedAt: &now, CreatedAt: now, UpdatedAt: now}
	}
	if err := src.Omit("ID").CreateInBatches(rows, 200).Error; err != nil {
		t.Fatal(err)
	}
	file, m := export(t, s)
	if m.Sum("signatures").Rows != n {
		t.Fatalf("exported %d signatures, want %d", m.Sum("signatures").Rows, n)
	}
	pg := apptest.NewDB(t, db.Postgres)
	if _, err := backup.Import(ctx, store.New(pg), bytes.NewReader(file), backup.Options{Schema: 30}); err != nil {
		t.Fatal(err)
	}
	back, m2 := export(t, store.New(pg))
	lite := apptest.NewDB(t, db.SQLite)
	if _, err := backup.Import(ctx, store.New(lite), bytes.NewReader(back), backup.Options{Schema: 30}); err != nil {
		t.Fatal(err)
	}
	final, _ := backup.Checksums(ctx, store.New(lite))
	if !slices.Equal(m.Tables, m2.Tables) || !slices.Equal(m.Tables, final) {
		t.Errorf("SQLite -> PostgreSQL -> SQLite changed the data:\n%v\n%v\n%v", m.Tables, m2.Tables, final)
	}
}
