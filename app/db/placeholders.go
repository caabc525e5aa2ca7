package db

import (
	"strconv"
	"strings"
)

// Placeholders numbers a query's ? placeholders the PostgreSQL way ($1,
// $2, ...), for the few queries sent past GORM. The query must hold no
// other question marks.
func Placeholders(q string) string {
	var b strings.Builder
	n := 0
	for _, r := range q {
		if r == '?' {
			n++
			b.WriteString("$" + strconv.Itoa(n))
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}
