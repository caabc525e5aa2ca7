package statements

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path"

	"github.com/undersign/undersign/app/db"
	"github.com/undersign/undersign/app/store"
	"github.com/undersign/undersign/models"
)

// Store is what importing statements needs from the database.
type Store interface {
	StatementBySlug(ctx context.Context, slug string) (*models.Statement, error)
	SaveStatement(ctx context.Context, st *models.Statement) (store.SaveResult, error)
	SaveTranslation(ctx context.Context, tr *models.StatementTranslation) (store.SaveResult, error)
	CountStatements(ctx context.Context) (int64, error)
}

// Imported reports what importing one file did.
type Imported struct {
	Slug string
	store.SaveResult
	Hash string
	// Translation is the language of the translation the file was stored
	// as, or "" when it was the statement's original text.
	Translation string
}

// Import parses src and upserts the statement by slug. Importing the same
// file twice changes nothing; a changed body adds a version. A file whose
// slug names an existing statement but whose lang differs from that
// statement's is a translation of it: it is stored as one, and the
// original text, the one that is signed, is left as it is.
func Import(ctx context.Context, s Store, src []byte) (Imported, error) {
	st, err := Parse(src)
	if err != nil {
		return Imported{}, err
	}
	orig, err := s.StatementBySlug(ctx, st.Slug)
	switch {
	case err == nil && !SameLang(orig.Lang, st.Lang):
		return importTranslation(ctx, s, orig, st)
	case err != nil && !errors.Is(err, db.ErrNotFound):
		return Imported{}, fmt.Errorf("look up %s: %w", st.Slug, err)
	}
	res, err := s.SaveStatement(ctx, st)
	if err != nil {
		return Imported{}, fmt.Errorf("save %s: %w", st.Slug, err)
	}
	return Imported{Slug: st.Slug, SaveResult: res, Hash: st.VersionHash}, nil
}

func importTranslation(ctx context.Context, s Store, orig, st *models.Statement) (Imported, error) {
	lang, err := CanonicalLang(st.Lang)
	if err != nil {
		return Imported{}, err
	}
	tr := &models.StatementTranslation{StatementID: orig.ID, Lang: lang, Title: st.Title, Preface: st.Preface, Body: st.Body}
	res, err := s.SaveTranslation(ctx, tr)
	if err != nil {
		return Imported{}, fmt.Errorf("save the %s translation of %s: %w", lang, st.Slug, err)
	}
	return Imported{Slug: st.Slug, SaveResult: res, Hash: tr.VersionHash, Translation: lang}, nil
}

// SeedIfEmpty imports every *.md file of fsys when the database holds no
// statement yet, and returns what it imported.
func SeedIfEmpty(ctx context.Context, s Store, fsys fs.FS) ([]Imported, error) {
	n, err := s.CountStatements(ctx)
	if err != nil || n > 0 {
		return nil, err
	}
	files, err := fs.Glob(fsys, "*.md")
	if err != nil {
		return nil, err
	}
	var out []Imported
	for _, f := range files {
		src, err := fs.ReadFile(fsys, f)
		if err != nil {
			return out, err
		}
		imp, err := Import(ctx, s, src)
		if err != nil {
			return out, fmt.Errorf("%s: %w", path.Base(f), err)
		}
		out = append(out, imp)
	}
	return out, nil
}
