package web

import (
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/undersign/undersign/app/statements"
	"github.com/undersign/undersign/models"
)

// versionsView is a statement's public version history.
type versionsView struct {
	Statement *models.Statement
	// Versions are newest first.
	Versions []versionRow
	// CountsHidden: the list is under embargo, so are the counts.
	CountsHidden bool
}

// versionRow is one version of the original text, with what changed from
// the version before it.
type versionRow struct {
	Hash      string
	ShortHash string
	CreatedAt *time.Time
	Approved  int64
	Current   bool
	Title     string
	// TitleBefore is the previous version's title when it differs.
	TitleBefore string
	// Diff is empty for the first version.
	Diff []statements.DiffPart
}

// statementVersions lists every version of a statement's original text,
// how many approved signatures recorded each, and a word diff between
// consecutive versions.
func (s *Server) statementVersions(c *fiber.Ctx) error {
	st, err := s.publicStatement(c)
	if err != nil {
		return err
	}
	counts, err := s.store.StatementVersionCounts(c.UserContext(), st.ID)
	if err != nil {
		return err
	}
	view := versionsView{Statement: st, CountsHidden: st.ListHidden(time.Now())}
	for i, vc := range counts {
		created := vc.CreatedAt.UTC()
		row := versionRow{Hash: vc.Hash, ShortHash: models.ShortHash(vc.Hash), CreatedAt: &created,
			Approved: vc.Approved, Current: vc.Hash == st.VersionHash, Title: vc.Title}
		if i > 0 {
			prev := counts[i-1]
			row.Diff = statements.WordDiff(prev.Body, vc.Body)
			if prev.Title != vc.Title {
				row.TitleBefore = prev.Title
			}
		}
		view.Versions = append([]versionRow{row}, view.Versions...)
	}
	v := s.page(c, s.locale(c).T("versions.title", "Title", st.Title))
	v.Data = view
	return c.Render("public/versions", v, "layouts/base")
}
