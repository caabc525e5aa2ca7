package signing

import "testing"

func TestNormaliseWebsite(t *testing.T) {
	for _, tc := range []struct{ in, want, host string }{
		{"example.org", "https://example.org/", "example.org"},
		{"HTTP://WWW.Example.ORG/About?x=1#top", "https://www.example.org/About?x=1", "www.example.org"},
		{"https://Профспілка.укр/", "https://профспілка.укр/", "xn--80atclebfj0a6p.xn--j1amh"},
		{"https://xn--80atclebfj0a6p.xn--j1amh/", "https://профспілка.укр/", "xn--80atclebfj0a6p.xn--j1amh"},
		{"example.org:8443/x", "https://example.org:8443/x", "example.org"},
		{"http://example.org:80/x", "https://example.org/x", "example.org"},
		{"", "", ""},
	} {
		got, host, err := normaliseWebsite(tc.in)
		if err != nil || got != tc.want || host != tc.host {
			t.Errorf("normaliseWebsite(%q) = %q, %q, %v; want %q, %q", tc.in, got, host, err, tc.want, tc.host)
		}
	}
	for _, bad := range []string{"javascript:alert(1)", "data:text/html,x", "ftp://example.org", "mailto:a@example.org",
		"https://user:pw@example.org", "localhost", "https://127.0.0.1/", "co.uk", "https:///x"} {
		if got, _, err := normaliseWebsite(bad); err == nil {
			t.Errorf("normaliseWebsite(%q) = %q, want an error", bad, got)
		}
	}
}

func TestDomainVerified(t *testing.T) {
	for _, tc := range []struct {
		email, host string
		want        bool
	}{
		{"example.org", "www.example.org", true},
		{"mail.example.co.uk", "example.co.uk", true},
		{"example.org", "example.net", false},
		{"gmail.com", "gmail.com", false}, // free mail vouches for nobody
		{"example.org", "", false},
		{"evil-example.org", "example.org", false},
	} {
		if got := domainVerified(tc.email, tc.host); got != tc.want {
			t.Errorf("domainVerified(%q, %q) = %v", tc.email, tc.host, got)
		}
	}
}
