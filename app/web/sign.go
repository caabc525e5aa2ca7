package web

import (
	"errors"
	"math"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/undersign/undersign/app/captcha"
	"github.com/undersign/undersign/app/signing"
	"github.com/undersign/undersign/models"
)

// SignServices are what the signing handlers need; the instance builds them.
type SignServices struct {
	Signing *signing.Service
	Captcha *captcha.Challenges
}

// signViews are the templates the signing handlers render.
var signViews = []string{
	"public/sign", "public/inbox", "public/confirm", "public/confirmed", "public/confirm-expired",
	"public/withdraw", "public/withdrawn", "public/privacy", "public/ratelimited",
	"partials/sign-form", "partials/sign-details",
}

func (s *Server) signRoutes(app *fiber.App) {
	app.Get("/s/:slug/sign", s.signPage)
	app.Post("/s/:slug/sign", s.checkFormOrigin, s.signSubmit)
	app.Get("/s/:slug/inbox", s.signInbox)
	app.Get("/captcha/:id.png", s.captchaImage)
	app.Get("/captcha/:id.wav", s.captchaAudio)
	app.Get("/confirm/:token", s.confirmPage)
	app.Post("/confirm/:token", s.checkFormOrigin, s.confirmSubmit)
	app.Post("/confirm/:token/renew", s.checkFormOrigin, s.confirmRenew)
	app.Get("/withdraw/:token", s.withdrawPage)
	app.Post("/withdraw/:token", s.checkFormOrigin, s.withdrawSubmit)
	app.Get("/privacy", s.privacyPage)
	app.Get("/api/v1/captcha", s.apiCaptcha)
	app.Post("/api/v1/statements/:slug/signatures", s.apiSign)
}

// signView is the sign form's data (partials/sign-form).
type signView struct {
	localeView
	Statement     *models.Statement
	Closed        bool
	Organisations bool
	Individuals   bool
	Form          signing.Form
	Errors        map[string]string
	ErrorList     []signError // Errors in the form's order, for the summary
	Captcha       captchaView
	CSRF          string
	Countries     []signing.Country
	OrgTypes      []signing.OrgType
}

// signError is one line of the form's error summary: the message and the
// field it links to.
type signError struct{ Anchor, Msg string }

// signFields are the form's fields in the order it shows them, with the id
// of the element the summary links to. A kind error without the radio
// buttons links to its message.
var signFields = []struct{ name, id string }{
	{"kind", "sign-kind"}, {"name", "sign-name"}, {"org_type", "sign-org-type"}, {"website", "sign-website"},
	{"country", "sign-country"}, {"city", "sign-city"}, {"contact_name", "sign-contact"},
	{"contact_role", "sign-role"}, {"affiliation", "sign-affiliation"}, {"email", "sign-email"},
	{"comment", "sign-comment"}, {"captcha_id", "sign-captcha"}, {"captcha_answer", "sign-captcha"},
	{"consent", "sign-consent"},
}

// errorList orders a form's messages as the form shows its fields.
func (v *signView) errorList() []signError {
	var out []signError
	for _, f := range signFields {
		msg, ok := v.Errors[f.name]
		if !ok {
			continue
		}
		id := f.id
		if f.name == "kind" && !(v.Organisations && v.Individuals) {
			id = "kind-error"
		}
		out = append(out, signError{Anchor: id, Msg: msg})
	}
	return out
}

type captchaView struct {
	ID, ImageURL, AudioURL string
	Width, Height          int
	// Unavailable explains why no challenge could be issued.
	Unavailable string
}

// signForm returns the data of the sign form shown under the statement.
// Its CAPTCHA is only reserved: the statement page is the most viewed
// page, and a challenge is stored when a browser first loads its image.
func (s *Server) signForm(c *fiber.Ctx, st *models.Statement) (any, error) {
	v := s.signView(c, st, signing.Form{}, nil)
	if !v.Closed {
		v.Captcha = newCaptchaView(s.sign.Captcha.Reserve())
	}
	return v, nil
}

// signView builds the form's data, without its CAPTCHA. The page carries
// a per-visitor token and challenge: no shared cache may keep it.
func (s *Server) signView(c *fiber.Ctx, st *models.Statement, f signing.Form, errs map[string]signing.Message) *signView {
	loc := s.locale(c)
	v := &signView{localeView: localeView{loc}, Statement: st, Organisations: st.AcceptsOrganisations,
		Individuals: st.AcceptsIndividuals}
	if !st.AcceptsSignatures(time.Now().UTC()) {
		v.Closed = true
		return v
	}
	c.Set(fiber.HeaderCacheControl, "private, no-store")
	f.CaptchaID, f.CaptchaAnswer, f.Honeypot = "", "", ""
	v.Form, v.Errors = f, fieldMessages(loc, errs)
	v.ErrorList = v.errorList()
	v.Countries, v.OrgTypes = countriesIn(loc).sorted, orgTypesIn(loc)
	v.CSRF = s.formToken(c)
	return v
}

// issueCaptcha gives the form a stored challenge, or says why it cannot.
func (s *Server) issueCaptcha(c *fiber.Ctx, v *signView) error {
	ch, err := s.sign.Captcha.Issue(c.UserContext(), s.ipHMAC(c))
	var limited *captcha.LimitError
	switch {
	case errors.As(err, &limited):
		v.Captcha.Unavailable = v.T("sign.captcha.limited", "Wait", waitText(v.Loc, limited.RetryAfter))
	case err != nil:
		return err
	default:
		v.Captcha = newCaptchaView(ch)
	}
	return nil
}

func newCaptchaView(ch captcha.Challenge) captchaView {
	return captchaView{ID: ch.ID, ImageURL: "/captcha/" + ch.ID + ".png", AudioURL: "/captcha/" + ch.ID + ".wav",
		Width: captcha.ImageWidth, Height: captcha.ImageHeight}
}

// signPage is the sign form on a page of its own; the statement page
// shows the same form.
func (s *Server) signPage(c *fiber.Ctx) error {
	st, err := s.publicStatement(c)
	if err != nil {
		return err
	}
	return s.renderSign(c, st, signing.Form{}, nil, fiber.StatusOK)
}

func (s *Server) renderSign(c *fiber.Ctx, st *models.Statement, f signing.Form, errs map[string]signing.Message, status int) error {
	sv := s.signView(c, st, f, errs)
	if !sv.Closed {
		if err := s.issueCaptcha(c, sv); err != nil {
			return err
		}
	}
	v := s.page(c, s.locale(c).T("sign.title", "Title", st.Title))
	v.NoIndex = true
	v.Data = struct {
		Statement *models.Statement
		Sign      *signView
	}{st, sv}
	return c.Status(status).Render("public/sign", v, "layouts/base")
}

// signSubmit: form -> signing -> "check your inbox", or the form again
// with a message next to each wrong field.
func (s *Server) signSubmit(c *fiber.Ctx) error {
	st, err := s.publicStatement(c)
	if err != nil {
		return err
	}
	f := readSignForm(c)
	if c.FormValue("action") == "reload" {
		if err := s.sign.Captcha.Discard(c.UserContext(), f.CaptchaID); err != nil {
			return err
		}
		return s.renderSign(c, st, f, nil, fiber.StatusOK)
	}
	err = s.sign.Signing.Sign(c.UserContext(), st, f, s.signClient(c))
	var invalid *signing.FormError
	var limited *signing.LimitError
	switch {
	case err == nil:
		return c.Redirect("/s/"+st.Slug+"/inbox", fiber.StatusSeeOther)
	case errors.As(err, &invalid):
		return s.renderSign(c, st, f, invalid.Fields, fiber.StatusUnprocessableEntity)
	case errors.As(err, &limited):
		return s.renderRateLimited(c, st, limited.RetryAfter)
	case errors.Is(err, signing.ErrClosed):
		return errSignClosed
	}
	return err
}

var errSignClosed = &Error{Status: fiber.StatusConflict, Msg: "This statement does not accept signatures at the moment.",
	ID: "sign.closed"}

func readSignForm(c *fiber.Ctx) signing.Form {
	consent := c.FormValue("consent")
	return signing.Form{
		Kind: c.FormValue("kind"), Name: c.FormValue("name"), Website: c.FormValue("website"),
		OrgType: c.FormValue("org_type"), Country: c.FormValue("country"), City: c.FormValue("city"),
		ContactName: c.FormValue("contact_name"), ContactRole: c.FormValue("contact_role"),
		Affiliation: c.FormValue("affiliation"), Email: c.FormValue("email"), Comment: c.FormValue("comment"),
		Consent:   consent == "yes" || consent == "on" || consent == "true" || consent == "1",
		CaptchaID: c.FormValue("captcha_id"), CaptchaAnswer: c.FormValue("captcha_answer"),
		Honeypot: c.FormValue("fax"),
	}
}

func (s *Server) signClient(c *fiber.Ctx) signing.Client {
	return signing.Client{IPHMAC: s.ipHMAC(c), UserAgent: c.Get(fiber.HeaderUserAgent), Lang: s.locale(c).Code()}
}

// ipHMAC pseudonymises the client's address (clientIP: behind trusted
// proxies, the right-most address they did not add themselves).
func (s *Server) ipHMAC(c *fiber.Ctx) string { return s.keys.MAC("ip", s.clientIP(c)) }

// signInbox is where a submission lands (POST/redirect/GET), whatever
// happened to it.
func (s *Server) signInbox(c *fiber.Ctx) error {
	st, err := s.publicStatement(c)
	if err != nil {
		return err
	}
	return s.renderInbox(c, st)
}

func (s *Server) renderInbox(c *fiber.Ctx, st *models.Statement) error {
	v := s.page(c, s.locale(c).T("inbox.title"))
	v.NoIndex = true
	v.Data = struct {
		Statement *models.Statement
		Moderated bool
	}{st, st.RequiresModeration}
	return c.Render("public/inbox", v, "layouts/base")
}

func (s *Server) renderRateLimited(c *fiber.Ctx, st *models.Statement, retry time.Duration) error {
	c.Set(fiber.HeaderRetryAfter, strconv.Itoa(retrySeconds(retry)))
	loc := s.locale(c)
	v := s.page(c, loc.T("error.too_many.heading"))
	v.NoIndex = true
	v.Data = struct {
		Statement *models.Statement
		Wait      string
	}{st, waitText(loc, retry)}
	return c.Status(fiber.StatusTooManyRequests).Render("public/ratelimited", v, "layouts/base")
}

func retrySeconds(d time.Duration) int { return max(1, int(math.Ceil(d.Seconds()))) }

func (s *Server) privacyPage(c *fiber.Ctx) error {
	v := s.page(c, s.locale(c).T("privacy.title"))
	return c.Render("public/privacy", v, "layouts/base")
}
