package web

import (
	"bytes"
	"errors"
	"html/template"
	"time"

	"github.com/gofiber/fiber/v2"
	"golang.org/x/text/language"

	"github.com/undersign/undersign/app/db"
	"github.com/undersign/undersign/app/i18n"
	"github.com/undersign/undersign/app/statements"
	"github.com/undersign/undersign/app/store"
	"github.com/undersign/undersign/models"
)

// index sends visitors to the one open statement, or lists the open ones.
func (s *Server) index(c *fiber.Ctx) error {
	open, err := s.store.Statements(c.UserContext(), models.StatementOpen)
	if err != nil {
		return err
	}
	if len(open) == 1 {
		return c.Redirect("/s/"+open[0].Slug, fiber.StatusFound)
	}
	v := s.page(c, "Statements")
	v.Data = struct{ Statements []models.Statement }{open}
	return c.Render("public/index", v, "layouts/base")
}

// statementView is what the statement page shows.
type statementView struct {
	Statement *models.Statement
	// Text is the text shown: the original, or a translation of it.
	Text statementText
	// Texts links to every text of the statement when it has
	// translations: the original first.
	Texts []textLink
	Body  template.HTML
	Now   time.Time
	// Sign is the sign form's data (sign.go), Signatories the short list
	// and count (list.go); each is nil when there is nothing to show.
	Sign        any
	Signatories any
}

// statementText is the text a reader reads. Only the original is signed.
type statementText struct {
	Lang, Title, Preface, Body string
	Original                   bool
	// LangName and OriginalName name the text's language and the
	// original's, each in its own language.
	LangName, OriginalName string
	OriginalURL            string
}

// textLink is one entry of the statement's language switcher.
type textLink struct {
	Lang, Name, URL string
	Original        bool
	Current         bool
}

// statementPage shows a statement's text, in the visitor's language when
// it is translated into it; drafts are not public.
func (s *Server) statementPage(c *fiber.Ctx) error {
	key := statementCacheKey(c, s.locale(c).Code())
	if e := s.stmtCache.get(c.Params("slug"), key, time.Now()); e != nil {
		return s.sendStatementPage(c, e)
	}
	st, err := s.publicStatement(c)
	if err != nil {
		return err
	}
	view := statementView{Statement: st, Now: time.Now()}
	if view.Text, view.Texts, err = s.statementText(c, st); err != nil {
		return err
	}
	view.Body = statements.Render(view.Text.Body)
	v := s.page(c, view.Text.Title)
	v.OGType = "article"
	v.Description = truncateRunes(firstNonEmpty(view.Text.Preface, view.Text.Body), 200)
	if view.Sign, err = s.signForm(c, st); err != nil {
		return err
	}
	if view.Signatories, err = s.signatorySummary(c, st); err != nil {
		return err
	}
	v.Data = view
	var buf bytes.Buffer
	if err := s.app.Config().Views.Render(&buf, "public/statement", v, "layouts/base"); err != nil {
		return err
	}
	page := buf.Bytes()
	s.storeStatementPage(st, key, bytes.Clone(page), view.Sign)
	c.Type("html", "utf-8")
	return c.Send(page)
}

// statementText picks the text to show: the one named by ?text=, else the
// translation matching the visitor's locale, else the original.
func (s *Server) statementText(c *fiber.Ctx, st *models.Statement) (statementText, []textLink, error) {
	base := "/s/" + st.Slug
	orig := statementText{Lang: st.Lang, Title: st.Title, Preface: st.Preface, Body: st.Body, Original: true,
		LangName: statements.LangName(st.Lang), OriginalName: statements.LangName(st.Lang), OriginalURL: base + "?text=" + st.Lang}
	langs, err := s.store.TranslationLangs(c.UserContext(), st.ID)
	if err != nil || len(langs) == 0 {
		return orig, nil, err
	}
	pick := chooseTranslation(st.Lang, langs, c.Query("text"), s.locale(c))
	links := []textLink{{Lang: st.Lang, Name: orig.LangName, URL: orig.OriginalURL, Original: true, Current: pick == ""}}
	for _, l := range langs {
		links = append(links, textLink{Lang: l.Lang, Name: statements.LangName(l.Lang), URL: base + "?text=" + l.Lang,
			Current: l.Lang == pick})
	}
	if pick == "" {
		return orig, links, nil
	}
	tr, err := s.store.Translation(c.UserContext(), st.ID, pick)
	if errors.Is(err, db.ErrNotFound) { // removed since the list was read
		return orig, links, nil
	}
	if err != nil {
		return orig, nil, err
	}
	return statementText{Lang: tr.Lang, Title: tr.Title, Preface: tr.Preface, Body: tr.Body,
		LangName: statements.LangName(tr.Lang), OriginalName: orig.OriginalName, OriginalURL: orig.OriginalURL}, links, nil
}

// chooseTranslation returns the language of the translation to show, or ""
// for the original: an explicit ?text= choice wins, then the translation
// that matches the visitor's locale well, unless the original does.
func chooseTranslation(origLang string, langs []store.TranslationLang, explicit string, loc *i18n.Locale) string {
	if explicit != "" {
		want, err := statements.CanonicalLang(explicit)
		if err != nil || statements.SameLang(want, origLang) {
			return ""
		}
		for _, l := range langs {
			if l.Lang == want {
				return l.Lang
			}
		}
		return ""
	}
	tags := []language.Tag{language.Make(origLang)}
	for _, l := range langs {
		tags = append(tags, language.Make(l.Lang))
	}
	_, idx, conf := language.NewMatcher(tags).Match(loc.Tag)
	if conf < language.High || idx == 0 {
		return ""
	}
	return langs[idx-1].Lang
}

// publicStatement loads the statement named by :slug, hiding drafts.
func (s *Server) publicStatement(c *fiber.Ctx) (*models.Statement, error) {
	st, err := s.statements.bySlug(c.UserContext(), c.Params("slug"))
	if errors.Is(err, db.ErrNotFound) || (err == nil && !st.IsPublic()) {
		return nil, errNotFound
	}
	return st, err
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}

func truncateRunes(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
