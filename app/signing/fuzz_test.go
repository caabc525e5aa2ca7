package signing

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/undersign/undersign/models"
)

// fuzzStatement accepts both kinds of signer, so that every rule applies.
var fuzzStatement = &models.Statement{Slug: "fuzz", Status: models.StatementOpen,
	AcceptsOrganisations: true, AcceptsIndividuals: true, VersionHash: "h"}

// FuzzSignFormJSON decodes a body as the JSON API does and validates it as
// Sign does: nothing panics, and a form that passes holds only what may be
// stored and shown.
func FuzzSignFormJSON(f *testing.F) {
	for _, seed := range []string{
		`{"kind":"organisation","name":"ACME Workers' Union","org_type":"union","country":"de","contact_name":"Anna",` +
			`"email":"Anna@Example.org","website":"www.example.org/about","consent":true,"captcha_answer":"123456"}`,
		`{"kind":"individual","name":"Li Wei","country":"CN","email":"li@gmail.com","affiliation":"Teachers","consent":true,"captcha_answer":"1"}`,
		`{"name":"=HYPERLINK(\"http://evil\")","country":"FR","email":"a@b.fr","consent":true,"captcha_answer":"1"}`,
		`{"name":"=SUM(A1:A9)","org_type":"union","country":"FR","contact_name":"Jo","email":"a@b.fr","consent":true,"captcha_answer":"1"}`,
		`{"name":"a\u0000b","email":"x@y.z","comment":"line\r\nline\u202e","consent":true}`,
		`{"name":" +1 555","website":"javascript:alert(1)","country":"XX","email":"not an email"}`,
		`{"kind":["organisation"],"consent":"yes"}`,
		`{"name":"\ud800","website":"https://xn--80ak6aa92e.com:8443/path?q=1#frag","country":"UA"}`,
		`[]`, `null`, `{`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		var form Form
		if err := json.Unmarshal(body, &form); err != nil {
			return // the API answers 400
		}
		checkValidated(t, form)
	})
}

// FuzzSignFormFields gives every field of the HTML form arbitrary bytes,
// as a form post may carry (invalid UTF-8 included).
func FuzzSignFormFields(f *testing.F) {
	f.Add("organisation", "ACME Workers' Union", "www.example.org", "union", "DE", "Berlin", "Anna", "Secretary", "",
		"anna@example.org", "Solidarity.", true)
	f.Add("individual", "Li Wei", "", "", "CN", "", "", "", "Teachers' union", "li@gmail.com", "", true)
	f.Add("", "-1+1", "http://[::1]/", "ngo", "us", "@city", "=cmd|' /C calc'!A0", "+role", "", "a@b.co", "@comment", true)
	// Valid but for a formula in one field each: the rule must catch it.
	for i, formula := range []string{"=1+1 Union", "+49 Union", "-Union-", "@Union"} {
		fields := []string{"ACME Union", "Berlin", "Anna", "Secretary", "Solidarity."}
		fields[i%len(fields)] = formula
		f.Add("organisation", fields[0], "example.org", "union", "DE", fields[1], fields[2], fields[3], "",
			"anna@example.org", fields[4], true)
	}
	f.Add("individual", "Li Wei", "", "", "CN", "", "", "", "@affiliation", "li@gmail.com", "", true)
	// Valid but for a NUL, a control character or bytes that are not text.
	f.Add("organisation", "ACME\x00Union", "example.org", "union", "DE", "Berlin", "Anna", "Secretary", "",
		"anna@example.org", "", true)
	f.Add("organisation", "ACME Union", "example.org", "union", "DE", "Berlin\x1b[31m", "Anna", "Secretary", "",
		"anna@example.org", "ok\x7f", true)
	f.Add("organisation", "ACME \xff Union", "example.org", "union", "DE", "Berlin", "Anna", "Secretary", "",
		"anna@example.org", "", true)
	f.Add("organisation", "Zero\x00Byte", "https://user:pw@example.org", "union", "FR", "Paris\n", "Name\r", "Role\t",
		"", "x\x00@example.org", "ok\r\nline\x7f", true)
	f.Add("organisation", "\xff\xfe bytes", "example.co.uk", "union", "GB", "London", "\u202eevil", "r", "",
		"\xc3@example.org", "\ufffd", true)
	f.Fuzz(func(t *testing.T, kind, name, website, orgType, country, city, contact, role, affiliation, email, comment string, consent bool) {
		checkValidated(t, Form{Kind: kind, Name: name, Website: website, OrgType: orgType, Country: country, City: city,
			ContactName: contact, ContactRole: role, Affiliation: affiliation, Email: email, Comment: comment,
			Consent: consent, CaptchaID: "12345678901234567890", CaptchaAnswer: "123456"})
	})
}

// checkValidated runs the form's rules and, when they pass, checks what a
// valid form may hold.
func checkValidated(t *testing.T, form Form) {
	errs := form.check(fuzzStatement)
	if len(errs) > 0 {
		for field, msg := range errs {
			if msg.ID == "" {
				t.Errorf("field %s: no message id in %+v", field, msg)
			}
		}
		return
	}
	if k := models.SignerKind(form.Kind); k != models.KindOrganisation && k != models.KindIndividual {
		t.Errorf("kind %q passed", form.Kind)
	}
	single := map[string]string{"name": form.Name, "website": form.Website, "org_type": form.OrgType,
		"country": form.Country, "city": form.City, "contact_name": form.ContactName, "contact_role": form.ContactRole,
		"affiliation": form.Affiliation, "email": form.Email}
	for field, v := range single {
		checkText(t, field, v, false)
	}
	checkText(t, "comment", form.Comment, true)
	for field, v := range map[string]string{"name": form.Name, "city": form.City, "contact_name": form.ContactName,
		"contact_role": form.ContactRole, "affiliation": form.Affiliation, "comment": form.Comment} {
		if v != "" && strings.ContainsRune("=+-@", rune(v[0])) {
			t.Errorf("%s %q passed and starts with a spreadsheet formula character", field, v)
		}
	}
	if n := utf8.RuneCountInString(form.Name); n < 2 || n > 200 {
		t.Errorf("name of %d characters passed", n)
	}
	if !strings.Contains(form.Email, "@") || form.Email != strings.ToLower(form.Email) {
		t.Errorf("email %q passed", form.Email)
	}
	if _, ok := countryByCode[form.Country]; !ok {
		t.Errorf("country %q passed", form.Country)
	}
	if form.Website != "" {
		shown, host, err := normaliseWebsite(form.Website)
		if err != nil || host == "" {
			t.Errorf("website %q passed but does not normalise: %v", form.Website, err)
		}
		checkText(t, "website shown", shown, false)
		if !strings.HasPrefix(shown, "https://") && !strings.HasPrefix(shown, "http://") {
			t.Errorf("website %q is shown as %q, not an http(s) link", form.Website, shown)
		}
	}
	_ = NormaliseName(form.Name)
}

// checkText fails for text a valid form must not hold: bytes that are not
// UTF-8, NUL and other control characters (new lines only where allowed).
func checkText(t *testing.T, field, v string, multiline bool) {
	t.Helper()
	if !utf8.ValidString(v) {
		t.Errorf("%s %q passed and is not UTF-8", field, v)
		return
	}
	for _, r := range v {
		if r == '\n' && multiline {
			continue
		}
		if r == 0 || unicode.IsControl(r) || r == utf8.RuneError {
			t.Errorf("%s %q passed with the character %U", field, v, r)
		}
	}
}
