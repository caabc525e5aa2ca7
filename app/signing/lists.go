package signing

import (
	_ "embed"
	"strings"
)

// Country is an ISO 3166-1 alpha-2 code with its English name.
type Country struct {
	Code string
	Name string
}

//go:embed countries.txt
var countriesTxt string

//go:embed freemail.txt
var freemailTxt string

var (
	countries     = parseCountries(countriesTxt)
	countryByCode = indexCountries(countries)
	freemail      = parseSet(freemailTxt)
)

// Countries lists the countries a signatory may choose, by code.
func Countries() []Country { return countries }

// CountryName is the English name of an ISO 3166-1 alpha-2 code, or the code
// itself when it is unknown.
func CountryName(code string) string {
	if c, ok := countryByCode[code]; ok {
		return c.Name
	}
	return code
}

func parseCountries(txt string) []Country {
	var out []Country
	for _, line := range strings.Split(txt, "\n") {
		code, name, ok := strings.Cut(line, "\t")
		if !ok || strings.HasPrefix(line, "#") {
			continue
		}
		out = append(out, Country{Code: code, Name: name})
	}
	return out
}

func indexCountries(cs []Country) map[string]Country {
	m := make(map[string]Country, len(cs))
	for _, c := range cs {
		m[c.Code] = c
	}
	return m
}

func parseSet(txt string) map[string]bool {
	m := map[string]bool{}
	for _, line := range strings.Split(txt, "\n") {
		line = strings.TrimSpace(line)
		if line != "" && !strings.HasPrefix(line, "#") {
			m[line] = true
		}
	}
	return m
}

// OrgType is a kind of organisation a signatory may choose.
type OrgType struct {
	Code  string
	Label string
}

// OrgTypes lists the organisation types in the order the form shows them.
func OrgTypes() []OrgType { return orgTypes }

var orgTypes = []OrgType{
	{"union", "Trade union"},
	{"party", "Political party"},
	{"ngo", "Association or NGO"},
	{"collective", "Collective"},
	{"media", "Media"},
	{"academic", "Academic institution"},
	{"other", "Other"},
}

// OrgTypeLabel is the label of an organisation type code.
func OrgTypeLabel(code string) string {
	for _, t := range orgTypes {
		if t.Code == code {
			return t.Label
		}
	}
	return code
}
