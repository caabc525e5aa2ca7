// Package statements owns the texts that are signed: reading them from
// Markdown files with front matter, importing them with their versions, and
// rendering them to safe HTML.
package statements

import (
	"bytes"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"gopkg.in/yaml.v3"

	"github.com/undersign/undersign/models"
)

// frontMatter is the YAML header of a statement file.
type frontMatter struct {
	Slug               string   `yaml:"slug"`
	Title              string   `yaml:"title"`
	Lang               string   `yaml:"lang"`
	Published          string   `yaml:"published"`
	Author             string   `yaml:"author"`
	Accepts            []string `yaml:"accepts"`
	Status             string   `yaml:"status"`
	Preface            string   `yaml:"preface"`
	RequiresModeration *bool    `yaml:"requires_moderation"`
	OpensAt            string   `yaml:"opens_at"`
	ClosesAt           string   `yaml:"closes_at"`
	EmbargoUntil       string   `yaml:"embargo_until"`
}

var slugRe = regexp.MustCompile(`^[a-z0-9]+(?:-[a-z0-9]+)*$`)

// MaxFileSize bounds a statement file.
const MaxFileSize = 1 << 20

// Parse reads a statement file: YAML front matter between two "---" lines,
// then the Markdown body.
func Parse(src []byte) (*models.Statement, error) {
	if len(src) > MaxFileSize {
		return nil, errors.New("statement file is larger than 1 MiB")
	}
	if !utf8.Valid(src) {
		return nil, errors.New("statement file is not valid UTF-8")
	}
	src = bytes.ReplaceAll(src, []byte("\r\n"), []byte("\n"))
	head, body, err := splitFrontMatter(src)
	if err != nil {
		return nil, err
	}
	var fm frontMatter
	if err := yaml.Unmarshal(head, &fm); err != nil {
		return nil, fmt.Errorf("front matter: %w", err)
	}
	return fm.statement(string(body))
}

func splitFrontMatter(src []byte) (head, body []byte, err error) {
	const sep = "---\n"
	if !bytes.HasPrefix(src, []byte(sep)) {
		return nil, nil, errors.New("statement file must start with a --- front matter line")
	}
	rest := src[len(sep):]
	i := bytes.Index(rest, []byte("\n"+sep))
	if i < 0 {
		return nil, nil, errors.New("front matter has no closing --- line")
	}
	return rest[:i+1], rest[i+1+len(sep):], nil
}

func (fm *frontMatter) statement(body string) (*models.Statement, error) {
	st := &models.Statement{
		Slug:               strings.TrimSpace(fm.Slug),
		Title:              strings.TrimSpace(fm.Title),
		Author:             strings.TrimSpace(fm.Author),
		Lang:               strings.TrimSpace(fm.Lang),
		Preface:            strings.TrimSpace(fm.Preface),
		Body:               body,
		Status:             models.StatementStatus(fm.Status),
		RequiresModeration: fm.RequiresModeration == nil || *fm.RequiresModeration,
	}
	if st.Lang == "" {
		st.Lang = "en"
	}
	if st.Status == "" {
		st.Status = models.StatementDraft
	}
	if err := fm.accepts(st); err != nil {
		return nil, err
	}
	var err error
	dates := []struct {
		name string
		in   string
		out  **time.Time
	}{
		{"published", fm.Published, &st.PublishedOn},
		{"opens_at", fm.OpensAt, &st.OpensAt},
		{"closes_at", fm.ClosesAt, &st.ClosesAt},
		{"embargo_until", fm.EmbargoUntil, &st.EmbargoUntil},
	}
	for _, d := range dates {
		if *d.out, err = parseTime(d.name, d.in); err != nil {
			return nil, err
		}
	}
	return st, Validate(st)
}

func (fm *frontMatter) accepts(st *models.Statement) error {
	if len(fm.Accepts) == 0 {
		st.AcceptsOrganisations = true
		return nil
	}
	for _, a := range fm.Accepts {
		switch strings.TrimSpace(a) {
		case "organisation", "organization", "organisations":
			st.AcceptsOrganisations = true
		case "individual", "individuals":
			st.AcceptsIndividuals = true
		default:
			return fmt.Errorf("accepts: %q is neither organisation nor individual", a)
		}
	}
	return nil
}

func parseTime(name, s string) (*time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, nil
	}
	for _, layout := range []string{time.DateOnly, time.RFC3339} {
		if t, err := time.Parse(layout, s); err == nil {
			t = t.UTC()
			return &t, nil
		}
	}
	return nil, fmt.Errorf("%s: %q is not a date (YYYY-MM-DD) or an RFC 3339 time", name, s)
}

// Validate checks the fields a statement must have.
func Validate(st *models.Statement) error {
	switch {
	case !slugRe.MatchString(st.Slug) || len(st.Slug) > 100:
		return fmt.Errorf("slug %q must be lower-case letters, digits and single hyphens", st.Slug)
	case st.Title == "" || utf8.RuneCountInString(st.Title) > 300:
		return errors.New("title is required (at most 300 characters)")
	case strings.TrimSpace(st.Body) == "":
		return errors.New("body is empty")
	case !st.Status.Valid():
		return fmt.Errorf("status %q is not draft, open or closed", st.Status)
	case !st.AcceptsOrganisations && !st.AcceptsIndividuals:
		return errors.New("accepts must name organisation and/or individual")
	case len(st.Lang) < 2 || len(st.Lang) > 15:
		return fmt.Errorf("lang %q is not a language tag", st.Lang)
	}
	return nil
}
