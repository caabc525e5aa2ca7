package listing

import (
	"sync"

	"github.com/undersign/undersign/app/signing"
)

// Country is a country as the public list shows it.
type Country struct {
	Code string
	Name string
	Flag string // emoji from regional indicator symbols; "" for an unknown code
}

// CountryOf describes a country code with the sign form's English name; an
// unknown code keeps itself as name and has no flag.
func CountryOf(code string) Country {
	if c, ok := known()[code]; ok {
		return c
	}
	return Country{Code: code, Name: code}
}

// known are the sign form's countries, described once: every row of every
// list page asks.
var known = sync.OnceValue(func() map[string]Country {
	m := map[string]Country{}
	for _, c := range signing.Countries() {
		m[c.Code] = Country{Code: c.Code, Name: signing.CountryName(c.Code), Flag: flag(c.Code)}
	}
	return m
})

func flag(code string) string {
	if len(code) != 2 || code[0] < 'A' || code[0] > 'Z' || code[1] < 'A' || code[1] > 'Z' {
		return ""
	}
	const regionalA = 0x1F1E6
	return string([]rune{regionalA + rune(code[0]-'A'), regionalA + rune(code[1]-'A')})
}
