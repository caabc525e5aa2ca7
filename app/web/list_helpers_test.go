package web_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/undersign/undersign/app/apptest"
	"github.com/undersign/undersign/app/db"
	"github.com/undersign/undersign/app/instance"
	"github.com/undersign/undersign/app/signing"
	"github.com/undersign/undersign/models"
)

const (
	listSlug  = "no-to-imperialist-invasion"
	listPage  = "/s/" + listSlug + "/signatories"
	listAPI   = "/api/v1/statements/" + listSlug + "/signatories"
	listEmbed = "/embed/" + listSlug
)

// listEnv is an instance with the shipped statement, for public-list tests.
type listEnv struct {
	t  *testing.T
	in *instance.Instance
	st *models.Statement
	c  *apptest.Client
}

func newListEnv(t *testing.T, d *db.DB) *listEnv {
	t.Helper()
	in := apptest.NewInstance(t, d)
	st, err := in.Store.StatementBySlug(context.Background(), listSlug)
	if err != nil {
		t.Fatal(err)
	}
	return &listEnv{t: t, in: in, st: st, c: apptest.NewClient(t, in.Web.App())}
}

var listEmailSeq atomic.Int64

// listSig describes a signature to store.
type listSig struct {
	Name, Website, Country, OrgType string
	Contact                         string
	ShowContact, DomainVerified     bool
	Status                          models.SignatureStatus // stored status; pending when empty
}

// pending stores a signature as the sign flow leaves it after confirmation.
func (e *listEnv) pending(st *models.Statement, s listSig) *models.Signature {
	e.t.Helper()
	if s.Country == "" {
		s.Country = "DE"
	}
	if s.OrgType == "" {
		s.OrgType = "union"
	}
	email := fmt.Sprintf("list%d@example.org", listEmailSeq.Add(1))
	now := time.Now().UTC()
	if s.Status == "" {
		s.Status = models.StatusPending
	}
	row := &models.Signature{StatementID: st.ID, Kind: models.KindOrganisation, Status: s.Status,
		Version: 1, Name: s.Name, NameNorm: signing.NormaliseName(s.Name), Website: s.Website, OrgType: s.OrgType,
		Country: s.Country, Email: &email, ShowContact: s.ShowContact, DomainVerified: s.DomainVerified,
		VersionHash: st.VersionHash, Sends: 1, CreatedAt: now, UpdatedAt: now}
	if s.Contact != "" {
		row.ContactName = &s.Contact
		row.ContactRole = "Secretary"
	}
	ok, err := e.in.Store.InsertSignature(context.Background(), row)
	if err != nil || !ok {
		e.t.Fatalf("insert %q: inserted=%v err=%v", s.Name, ok, err)
	}
	return row
}

// approved stores a signature and approves it, as a moderator would, and
// announces the change like the moderation service does.
func (e *listEnv) approved(st *models.Statement, s listSig) *models.Signature {
	e.t.Helper()
	row := e.pending(st, s)
	e.move(row, models.StatusApproved)
	return row
}

// move transitions a signature and announces it.
func (e *listEnv) move(row *models.Signature, to models.SignatureStatus) {
	e.t.Helper()
	if err := e.in.Store.Transition(context.Background(), row, to, nil); err != nil {
		e.t.Fatalf("transition %q to %s: %v", row.Name, to, err)
	}
	e.in.Events.SignaturesChanged(row.StatementID)
}

// statement stores another public statement.
func (e *listEnv) statement(slug string, edit func(*models.Statement)) *models.Statement {
	e.t.Helper()
	st := &models.Statement{Slug: slug, Title: "Statement " + slug, Body: "Text of " + slug, Status: models.StatementOpen,
		Lang: "en", AcceptsOrganisations: true, RequiresModeration: true}
	if edit != nil {
		edit(st)
	}
	if _, err := e.in.Store.SaveStatement(context.Background(), st); err != nil {
		e.t.Fatal(err)
	}
	return st
}

// get fetches path and fails unless the status is want.
func (e *listEnv) get(path string, want int) *apptest.Response {
	e.t.Helper()
	resp := e.c.Get(path)
	if resp.StatusCode != want {
		e.t.Fatalf("GET %s: %d, want %d\n%s", path, resp.StatusCode, want, resp.Body)
	}
	return resp
}
