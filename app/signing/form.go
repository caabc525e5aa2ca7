package signing

import (
	"errors"
	"fmt"
	"reflect"
	"regexp"
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
	Website       string `json:"website" validate:"max=300,website"`
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
type FormError struct{ Fields map[string]string }

func (e *FormError) Error() string {
	names := make([]string, 0, len(e.Fields))
	for k := range e.Fields {
		names = append(names, k)
	}
	return "invalid sign form: " + strings.Join(names, ", ")
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

// labels name the fields in messages.
var labels = map[string]string{
	"kind": "Who signs", "name": "The name", "website": "The website", "org_type": "The type of organisation",
	"country": "The country", "city": "The city", "contact_name": "The contact person", "contact_role": "The role",
	"affiliation": "The affiliation", "email": "The email address", "comment": "The comment",
	"consent": "Consent", "captcha_id": "The code", "captcha_answer": "The code",
}

// fieldMessage is what a person reads next to a field that failed tag.
func fieldMessage(fe validator.FieldError) string {
	field, label := fe.Field(), labels[fe.Field()]
	switch fe.Tag() {
	case "required", "required_if":
		return requiredMessage(field, label)
	case "min":
		return fmt.Sprintf("%s must be at least %s characters long.", label, fe.Param())
	case "max":
		return fmt.Sprintf("%s must be at most %s characters long.", label, fe.Param())
	case "line", "text":
		return label + " contains characters that are not allowed (control characters or bytes that are not text)."
	case "nolink":
		return label + " must not contain a web address; put your website in the website field."
	case "nocsv":
		return label + " must not start with =, +, - or @."
	case "email":
		return "Please enter a valid email address, like name@example.org."
	case "country":
		return "Please choose a country from the list."
	case "orgtype":
		return "Please choose a type of organisation from the list."
	case "website":
		return "Please enter a web address like https://example.org (http or https only)."
	case "oneof":
		return "Please choose whether you sign as an organisation or as an individual."
	}
	return label + " is not valid."
}

func requiredMessage(field, label string) string {
	switch field {
	case "consent":
		return "Please agree to the privacy notice to sign."
	case "captcha_answer":
		return "Please type the digits shown in the image."
	case "country", "org_type":
		return "Please choose " + strings.ToLower(label[:1]) + label[1:] + "."
	}
	return label + " is required."
}

// Message for a code that did not match.
const captchaMessage = "The code did not match or has expired. Please type the new code."

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
func (f *Form) check(st *models.Statement) map[string]string {
	f.normalise(st)
	errs := map[string]string{}
	var verrs validator.ValidationErrors
	if err := validate.Struct(f); errors.As(err, &verrs) {
		for _, fe := range verrs {
			if _, seen := errs[fe.Field()]; !seen {
				errs[fe.Field()] = fieldMessage(fe)
			}
		}
	} else if err != nil {
		errs[FieldKind] = "The form could not be read."
	}
	switch models.SignerKind(f.Kind) {
	case models.KindOrganisation:
		if !st.AcceptsOrganisations {
			errs[FieldKind] = "This statement is signed by individuals only."
		}
	case models.KindIndividual:
		if !st.AcceptsIndividuals {
			errs[FieldKind] = "This statement is signed by organisations only."
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
