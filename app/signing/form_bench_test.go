package signing

import "testing"

// BenchmarkFormCheck measures the sign form's rules (normalisation and
// every field's validation) on a form that passes and on one wrong in
// many fields, as each submission runs them before any database work.
func BenchmarkFormCheck(b *testing.B) {
	valid := Form{Kind: "organisation", Name: "ACME Workers' Union", Website: "www.acme-union.example/about",
		OrgType: "union", Country: "de", City: "Berlin", ContactName: "Anna Schmidt", ContactRole: "Secretary",
		Email: "Anna.Schmidt@ACME-union.example", Comment: "In solidarity,\r\nthe executive committee.", Consent: true,
		CaptchaID: "abcdefghij0123456789", CaptchaAnswer: " 123 456 "}
	invalid := Form{Kind: "organisation", Name: "Buy cheap pills at pills.com", Website: "javascript:alert(1)",
		OrgType: "cartel", Country: "XX", City: "=HYPERLINK(\"x\")", ContactName: "", ContactRole: "Role\x1b[31m",
		Email: "not an email", Comment: "ok\x00", Consent: false, CaptchaID: "abcdefghij0123456789", CaptchaAnswer: ""}
	for _, tc := range []struct {
		name string
		form Form
	}{{"valid", valid}, {"invalid", invalid}} {
		b.Run(tc.name, func(b *testing.B) {
			f := tc.form
			errs := f.check(fuzzStatement)
			if (tc.name == "valid") != (len(errs) == 0) {
				b.Fatalf("%s form: %d wrong fields: %v", tc.name, len(errs), errs)
			}
			b.ReportAllocs()
			for b.Loop() {
				f := tc.form // check normalises the form in place
				errs = f.check(fuzzStatement)
			}
			b.ReportMetric(float64(len(errs)), "wrong-fields")
		})
	}
}
