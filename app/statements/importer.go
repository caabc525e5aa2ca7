package statements

import (
	"context"
	"fmt"
	"io/fs"
	"path"

	"github.com/undersign/undersign/app/store"
	"github.com/undersign/undersign/models"
)

// Store is what importing statements needs from the database.
type Store interface {
	SaveStatement(ctx context.Context, st *models.Statement) (store.SaveResult, error)
	CountStatements(ctx context.Context) (int64, error)
}

// Imported reports what importing one file did.
type Imported struct {
	Slug string
	store.SaveResult
	Hash string
}

// Import parses src and upserts the statement by slug. Importing the same
// file twice changes nothing; a changed body adds a version.
func Import(ctx context.Context, s Store, src []byte) (Imported, error) {
	st, err := Parse(src)
	if err != nil {
		return Imported{}, err
	}
	res, err := s.SaveStatement(ctx, st)
	if err != nil {
		return Imported{}, fmt.Errorf("save %s: %w", st.Slug, err)
	}
	return Imported{Slug: st.Slug, SaveResult: res, Hash: st.VersionHash}, nil
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
