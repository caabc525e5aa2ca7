package main

import (
	"fmt"
	"os"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/undersign/undersign/app/statements"
	"github.com/undersign/undersign/models"
)

func statementCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "statement", Short: "Import and list statements"}
	cmd.AddCommand(&cobra.Command{
		Use:   "import FILE...",
		Short: "Import statement files (Markdown with front matter), updating by slug",
		Long: `Import statement files (Markdown with front matter), updating by slug.

A file whose slug names an existing statement in another language (its
front matter's lang differs) is stored as that statement's translation into
its lang; the original text, the one that is signed, is left as it is.
Importing a file in the original's language updates the original.`,
		Args: cobra.MinimumNArgs(1),
		RunE: importStatements,
	}, &cobra.Command{
		Use:   "list",
		Short: "List statements with their status and current version",
		Args:  cobra.NoArgs,
		RunE:  listStatements,
	})
	return cmd
}

func importStatements(cmd *cobra.Command, files []string) error {
	e, err := openEnv(cmd)
	if err != nil {
		return err
	}
	defer e.close()
	for _, f := range files {
		src, err := os.ReadFile(f) // #nosec G304 -- the operator names the file
		if err != nil {
			return err
		}
		imp, err := statements.Import(cmd.Context(), e.store, src)
		if err != nil {
			return fmt.Errorf("%s: %w", f, err)
		}
		what := "unchanged"
		switch {
		case imp.Created:
			what = "created"
		case imp.NewVersion:
			what = "new version"
		}
		if imp.Translation != "" {
			if what == "new version" {
				what = "updated"
			}
			fmt.Fprintf(cmd.OutOrStdout(), "%s: %s translation %s (%s) %s\n", f, imp.Slug, imp.Translation, what, models.ShortHash(imp.Hash))
			continue
		}
		fmt.Fprintf(cmd.OutOrStdout(), "%s: %s (%s) %s\n", f, imp.Slug, what, models.ShortHash(imp.Hash))
	}
	return nil
}

func listStatements(cmd *cobra.Command, _ []string) error {
	e, err := openEnv(cmd)
	if err != nil {
		return err
	}
	defer e.close()
	list, err := e.store.Statements(cmd.Context())
	if err != nil {
		return err
	}
	w := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "SLUG\tSTATUS\tLANG\tTRANSLATIONS\tVERSION\tTITLE")
	for _, st := range list {
		trs, err := e.store.TranslationLangs(cmd.Context(), st.ID)
		if err != nil {
			return err
		}
		langs := "-"
		for i, tr := range trs {
			if i == 0 {
				langs = tr.Lang
			} else {
				langs += "," + tr.Lang
			}
		}
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%s\n", st.Slug, st.Status, st.Lang, langs, st.ShortHash(), st.Title)
	}
	return w.Flush()
}
