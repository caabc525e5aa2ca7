package listing

import "github.com/undersign/undersign/app/signing"

// Country is a country as the public list shows it.
type Country struct {
	Code string
	Name string
	Flag string // emoji from regional indicator symbols; "" for an unknown code
}

// CountryOf describes a country code with the sign form's English name; an
// unknown code keeps itself as name and has no flag.
func CountryOf(code string) Country {
	name := signing.CountryName(code)
	if name == code {
		return Country{Code: code, Name: code}
	}
	return Country{Code: code, Name: name, Flag: flag(code)}
}

func flag(code string) string {
	if len(code) != 2 || code[0] < 'A' || code[0] > 'Z' || code[1] < 'A' || code[1] > 'Z' {
		return ""
	}
	const regionalA = 0x1F1E6
	return string([]rune{regionalA + rune(code[0]-'A'), regionalA + rune(code[1]-'A')})
}
