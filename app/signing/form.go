package signing

import (
	"errors"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/go-playground/validator/v10"
	"golang.org/x/text/unicode/norm"

	"github.com/undersign/undersign/models"
)

// Form is a sign submission as a person typed it, from the HTML form or the
// JSON API; the names are the form fields' and the JSON keys.
type Form struct {
	Kind          string `json:"kind" validate:"oneof=organisation individual"`
	Name          string `json:"name" validate:"required,min=2,max=200,line,nolink,nocsv"`
	Website       string `json:"website" validate:"max=300,line,website"`
	OrgType       string `json:"org_type" validate:"required_if=Kind organisation,orgtype"`
	Country       string `json:"country" validate:"required,country"`
	City          string `json:"city" validate:"max=100,line,nolink,nocsv"`
	ContactName   string `json:"contact_name" validate:"required_if=Kind organisation,max=200,line,nolink,nocsv"`
	ContactRole   string `json:"contact_role" validate:"max=100,line,nolink,nocsv"`
	Affiliation   string `json:"affiliation" validate:"max=200,line,nolink,nocsv"`
	Email         string `json:"email" validate:"required,max=254,line,email"`
	Comment       string `json:"comment" validate:"max=500,text,nolink,nocsv"`
	Consent       bool   `json:"consent" validate:"required"`
	CaptchaID     string `json:"captcha_id" validate:"max=64"`
	CaptchaAnswer string `json:"captcha_answer" validate:"required,max=64"`
	// Honeypot is a field people never see; bots fill it.
	Honeypot string `json:"fax"`
}

// FormError says which fields are wrong, by field name, with a message a
// person can act on. Nothing was stored.
type FormError struct{ Fields map[string]Message }

func (e *FormError) Error() string {
	names := make([]string, 0, len(e.Fields))
	for k := range e.Fields {
		names = append(names, k)
	}
	return "invalid sign form: " + strings.Join(names, ", ")
}

// Message is what a person reads next to a wrong field, as the id of a
// message in the i18n catalog and what fills it in: this package holds no
// text, and the web layer translates it into the visitor's language.
type Message struct {
	ID string
	// Field is the field the message names ("name"), for the messages
	// that name one; its label is the catalog's "sign.field.<Field>".
	Field string
	// Count is the length a message speaks of (at least/at most so many
	// characters); it chooses the plural form. 0 for the others.
	Count int
}

// Message ids of the form's rules.
const (
	MsgRequired          = "sign.error.required"
	MsgCountryRequired   = "sign.error.country_required"
	MsgOrgTypeRequired   = "sign.error.org_type_required"
	MsgConsentRequired   = "sign.error.consent_required"
	MsgCaptchaRequired   = "sign.error.captcha_required"
	MsgTooShort          = "sign.error.too_short"
	MsgTooLong           = "sign.error.too_long"
	MsgBadCharacters     = "sign.error.characters"
	MsgLink              = "sign.error.link"
	MsgFormula           = "sign.error.formula"
	MsgEmail             = "sign.error.email"
	MsgCountry           = "sign.error.country"
	MsgOrgType           = "sign.error.org_type"
	MsgWebsite           = "sign.error.website"
	MsgKind              = "sign.error.kind"
	MsgInvalid           = "sign.error.invalid"
	MsgUnreadable        = "sign.error.unreadable"
	MsgIndividualsOnly   = "sign.error.individuals_only"
	MsgOrganisationsOnly = "sign.error.organisations_only"
	MsgCaptchaWrong      = "sign.error.captcha"
)

// MessageIDs lists every id a Message may carry, so that a test can check
// that each language translates them all.
func MessageIDs() []string {
	return []string{MsgRequired, MsgCountryRequired, MsgOrgTypeRequired, MsgConsentRequired, MsgCaptchaRequired,
		MsgTooShort, MsgTooLong, MsgBadCharacters, MsgLink, MsgFormula, MsgEmail, MsgCountry, MsgOrgType, MsgWebsite,
		MsgKind, MsgInvalid, MsgUnreadable, MsgIndividualsOnly, MsgOrganisationsOnly, MsgCaptchaWrong}
}

// Field names of Form, as the form and the API use them.
const (
	FieldKind          = "kind"
	FieldCaptchaAnswer = "captcha_answer"
)

var validate = newValidator()

func newValidator() *validator.Validate {
	v := validator.New(validator.WithRequiredStructEnabled())
	v.RegisterTagNameFunc(func(f reflect.StructField) string {
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		return name
	})
	must := func(tag string, fn func(string) bool) {
		if err := v.RegisterValidation(tag, func(fl validator.FieldLevel) bool { return fn(fl.Field().String()) }); err != nil {
			panic(err)
		}
	}
	must("line", func(s string) bool { return cleanText(s, false) })
	must("text", func(s string) bool { return cleanText(s, true) })
	must("nolink", func(s string) bool { return !linkPattern.MatchString(s) })
	must("nocsv", func(s string) bool { return s == "" || !strings.ContainsRune("=+-@", rune(s[0])) })
	must("country", func(s string) bool { _, ok := countryByCode[s]; return s == "" || ok })
	must("orgtype", func(s string) bool { return s == "" || OrgTypeLabel(s) != s })
	must("website", func(s string) bool { _, _, err := normaliseWebsite(s); return err == nil })
	return v
}

// linkPattern finds web addresses, which have no place in a name or a
// comment: spam carries them.
var linkPattern = regexp.MustCompile(`(?i)(://|\bwww\.|\bhttps?:|\b[a-z0-9-]+\.(com|net|org|info|biz|ru|cn|xyz|top|io|ly|me|co|site|online|click|link)\b)`)

// cleanText accepts valid UTF-8 without control characters (new lines
// only where multiline) and without U+FFFD, which stands for bytes that
// were not text.
func cleanText(s string, multiline bool) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		switch {
		case r == '\n' && multiline:
		case r == utf8.RuneError, unicode.IsControl(r), unicode.Is(unicode.Cs, r), unicode.Is(unicode.Co, r):
			return false
		}
	}
	return true
}

// fieldMessage is what a person reads next to a field that failed tag.
func fieldMessage(fe validator.FieldError) Message {
	field := fe.Field()
	switch fe.Tag() {
	case "required", "required_if":
		return requiredMessage(field)
	case "min":
		n, _ := strconv.Atoi(fe.Param())
		return Message{ID: MsgTooShort, Field: field, Count: n}
	case "max":
		n, _ := strconv.Atoi(fe.Param())
		return Message{ID: MsgTooLong, Field: field, Count: n}
	case "line", "text":
		return Message{ID: MsgBadCharacters, Field: field}
	case "nolink":
		return Message{ID: MsgLink, Field: field}
	case "nocsv":
		return Message{ID: MsgFormula, Field: field}
	case "email":
		return Message{ID: MsgEmail}
	case "country":
		return Message{ID: MsgCountry}
	case "orgtype":
		return Message{ID: MsgOrgType}
	case "website":
		return Message{ID: MsgWebsite}
	case "oneof":
		return Message{ID: MsgKind}
	}
	return Message{ID: MsgInvalid, Field: field}
}

func requiredMessage(field string) Message {
	switch field {
	case "consent":
		return Message{ID: MsgConsentRequired}
	case "captcha_answer":
		return Message{ID: MsgCaptchaRequired}
	case "country":
		return Message{ID: MsgCountryRequired}
	case "org_type":
		return Message{ID: MsgOrgTypeRequired}
	}
	return Message{ID: MsgRequired, Field: field}
}

// normalise trims and NFC-normalises every field that is valid text, fixes
// the kind and drops the fields that do not belong to it.
func (f *Form) normalise(st *models.Statement) {
	for _, p := range []*string{&f.Kind, &f.Name, &f.Website, &f.OrgType, &f.Country, &f.City, &f.ContactName,
		&f.ContactRole, &f.Affiliation, &f.Email, &f.Comment, &f.CaptchaID, &f.CaptchaAnswer} {
		if utf8.ValidString(*p) {
			*p = strings.TrimSpace(norm.NFC.String(*p))
		}
	}
	if utf8.ValidString(f.Comment) {
		f.Comment = strings.ReplaceAll(strings.ReplaceAll(f.Comment, "\r\n", "\n"), "\r", "\n")
	}
	f.Country = strings.ToUpper(f.Country)
	f.Email = strings.ToLower(f.Email)
	if f.Kind == "" {
		f.Kind = string(models.KindOrganisation)
		if !st.AcceptsOrganisations && st.AcceptsIndividuals {
			f.Kind = string(models.KindIndividual)
		}
	}
	switch models.SignerKind(f.Kind) {
	case models.KindOrganisation:
		f.Affiliation = ""
	case models.KindIndividual:
		f.Website, f.OrgType, f.City, f.ContactName, f.ContactRole, f.Comment = "", "", "", "", "", ""
	}
}

// check normalises f and returns a message per wrong field; empty when f is
// valid for st. It does not look at the CAPTCHA's answer, only its presence.
func (f *Form) check(st *models.Statement) map[string]Message {
	f.normalise(st)
	errs := map[string]Message{}
	var verrs validator.ValidationErrors
	if err := validate.Struct(f); errors.As(err, &verrs) {
		for _, fe := range verrs {
			if _, seen := errs[fe.Field()]; !seen {
				errs[fe.Field()] = fieldMessage(fe)
			}
		}
	} else if err != nil {
		errs[FieldKind] = Message{ID: MsgUnreadable}
	}
	switch models.SignerKind(f.Kind) {
	case models.KindOrganisation:
		if !st.AcceptsOrganisations {
			errs[FieldKind] = Message{ID: MsgIndividualsOnly}
		}
	case models.KindIndividual:
		if !st.AcceptsIndividuals {
			errs[FieldKind] = Message{ID: MsgOrganisationsOnly}
		}
	}
	return errs
}

// NormaliseName folds a name for duplicate detection: compatibility
// forms, case, punctuation and spacing do not make two organisations
// different. "ACME, Inc." and "acme inc" are the same.
func NormaliseName(name string) string {
	s := strings.ToLower(norm.NFKC.String(name))
	var b strings.Builder
	space := false
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r) {
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			b.WriteRune(r)
			space = false
			continue
		}
		space = true
	}
	return b.String()
}
