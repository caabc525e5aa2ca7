package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/undersign/undersign/app/apptest"
	"github.com/undersign/undersign/app/config"
	"github.com/undersign/undersign/app/statements"
	"github.com/undersign/undersign/app/store"
	"github.com/undersign/undersign/models"
	shipped "github.com/undersign/undersign/statements"
)

// With a read replica configured, the public list reads from it while
// writes stay on the primary. The "replica" here is a database holding
// other rows, so the test sees which one answered.
func TestPublicListReadsFromTheReplica(t *testing.T) {
	for _, dialect := range apptest.Dialects {
		t.Run(string(dialect), func(t *testing.T) {
			ctx := context.Background()
			replicaDSN := apptest.NewDSN(t, dialect, true)
			replica := store.New(apptest.OpenDB(t, replicaDSN))
			src, err := shipped.FS.ReadFile("no-to-imperialist-invasion.md")
			if err != nil {
				t.Fatal(err)
			}
			if _, err := statements.Import(ctx, replica, src); err != nil {
				t.Fatal(err)
			}
			st, err := replica.StatementBySlug(ctx, seedPath[3:])
			if err != nil {
				t.Fatal(err)
			}
			email := "replica@example.org"
			now := time.Now().UTC()
			sig := &models.Signature{StatementID: st.ID, Kind: models.KindOrganisation, Status: models.StatusPending,
				Version: 1, Name: "Only On The Replica", NameNorm: "only on the replica", Country: "FR", OrgType: "union",
				Email: &email, VersionHash: st.VersionHash, Sends: 1, CreatedAt: now, UpdatedAt: now}
			if _, err := replica.InsertSignature(ctx, sig); err != nil {
				t.Fatal(err)
			}
			if err := replica.Transition(ctx, sig, models.StatusApproved, nil); err != nil {
				t.Fatal(err)
			}

			primary := apptest.NewDB(t, dialect)
			in := apptest.NewInstance(t, primary, func(c *config.Config) { c.ReplicaURLs = []string{replicaDSN} })
			c := apptest.NewClient(t, in.Web.App())
			resp := c.Get("/api/v1/statements/no-to-imperialist-invasion/signatories")
			var list struct {
				Items []struct{ Name string } `json:"items"`
				Total int64                   `json:"total"`
			}
			if err := json.Unmarshal([]byte(resp.Body), &list); err != nil || resp.StatusCode != http.StatusOK {
				t.Fatalf("list: %d %s", resp.StatusCode, resp.Body)
			}
			if len(list.Items) != 1 || list.Items[0].Name != "Only On The Replica" || list.Total != 1 {
				t.Errorf("the list did not come from the replica: %+v", list)
			}
			// Writes and everything else stay on the primary.
			var onPrimary int64
			primary.Model(&models.Signature{}).Count(&onPrimary)
			if onPrimary != 0 {
				t.Errorf("%d signatures on the primary", onPrimary)
			}
			if r := c.Get("/readyz"); r.StatusCode != http.StatusOK {
				t.Errorf("/readyz: %d", r.StatusCode)
			}
		})
	}
}
