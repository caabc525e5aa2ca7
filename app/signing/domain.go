package signing

import (
	"errors"
	"net"
	"net/url"
	"strings"

	"golang.org/x/net/idna"
	"golang.org/x/net/publicsuffix"
)

var errWebsite = errors.New("not a website address")

// normaliseWebsite turns what a person typed as their website into
// https://host/path (dropping http, the usual ports and the fragment) and
// returns the host in ASCII. Only http and https addresses of a host under
// a public suffix are accepted.
func normaliseWebsite(raw string) (website, host string, err error) {
	s := strings.TrimSpace(raw)
	if s == "" {
		return "", "", nil
	}
	if !strings.Contains(s, "://") {
		if i := strings.IndexByte(s, ':'); i >= 0 && !strings.ContainsAny(s[:i], "./") {
			return "", "", errWebsite // javascript:, data:, mailto: ...
		}
		s = "https://" + s
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.User != nil || u.Opaque != "" {
		return "", "", errWebsite
	}
	host, err = idna.Lookup.ToASCII(strings.TrimSuffix(strings.ToLower(u.Hostname()), "."))
	if err != nil || !strings.Contains(host, ".") || net.ParseIP(host) != nil {
		return "", "", errWebsite
	}
	if registrable(host) == "" {
		return "", "", errWebsite // a public suffix such as co.uk, not a site
	}
	// The link shows the host as people write it; the domain is kept in
	// ASCII for comparisons.
	shown := host
	if uni, err := idna.Lookup.ToUnicode(host); err == nil {
		shown = uni
	}
	if p := u.Port(); p != "" && p != "443" && p != "80" {
		shown += ":" + p
	}
	path := u.EscapedPath()
	if path == "" {
		path = "/"
	}
	website = "https://" + shown + path
	if u.RawQuery != "" {
		website += "?" + u.RawQuery
	}
	return website, host, nil
}

// registrable is the part of a host an organisation registers: example.org
// for www.example.org, example.co.uk for mail.example.co.uk.
func registrable(host string) string {
	host = strings.TrimSuffix(strings.ToLower(host), ".")
	if a, err := idna.Lookup.ToASCII(host); err == nil {
		host = a
	}
	d, err := publicsuffix.EffectiveTLDPlusOne(host)
	if err != nil {
		return ""
	}
	return d
}

// domainVerified tells whether an email domain vouches for a website: both
// share their registrable domain and it is not a free-mail provider.
func domainVerified(emailDomain, websiteHost string) bool {
	if emailDomain == "" || websiteHost == "" {
		return false
	}
	e := registrable(emailDomain)
	return e != "" && e == registrable(websiteHost) && !IsFreeMail(emailDomain)
}

// IsFreeMail tells whether an email domain belongs to a free-mail provider.
func IsFreeMail(domain string) bool {
	domain = strings.ToLower(domain)
	return freemail[domain] || freemail[registrable(domain)]
}
