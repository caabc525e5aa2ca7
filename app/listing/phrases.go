package listing

import (
	"fmt"
	"strings"
	"time"

	"github.com/undersign/undersign/models"
)

// Phrases are the few words of the embeds and the badge, which are shown on
// other sites in the language they ask for (?lang=).
type Phrases struct {
	Lang     string
	Sign     string // link to the sign form
	All      string // link to the full list
	None     string // nobody has signed yet
	hidden   string // the list is under embargo until %s
	sep      string // thousands separator
	org, sig plural // "%s organisations have signed", "%s signatories have signed"
}

// plural holds a phrase's forms: one, few (Slavic 2-4), many/other.
type plural struct{ one, few, other string }

var phrases = map[string]*Phrases{
	"en": {Lang: "en", Sign: "Sign the statement", All: "See all signatories", None: "No signatories yet.",
		hidden: "The signatories will be published on %s.", sep: ",",
		org: plural{"%s organisation has signed", "", "%s organisations have signed"},
		sig: plural{"%s signatory has signed", "", "%s signatories have signed"}},
	"de": {Lang: "de", Sign: "Erklärung unterzeichnen", All: "Alle Unterzeichnenden", None: "Noch keine Unterzeichnenden.",
		hidden: "Die Unterzeichnenden werden am %s veröffentlicht.", sep: ".",
		org: plural{"%s Organisation hat unterzeichnet", "", "%s Organisationen haben unterzeichnet"},
		sig: plural{"%s Unterschrift", "", "%s Unterschriften"}},
	"fr": {Lang: "fr", Sign: "Signer la déclaration", All: "Tous les signataires", None: "Aucun signataire pour l’instant.",
		hidden: "Les signataires seront publiés le %s.", sep: "\u202f",
		org: plural{"%s organisation a signé", "", "%s organisations ont signé"},
		sig: plural{"%s signataire a signé", "", "%s signataires ont signé"}},
	"es": {Lang: "es", Sign: "Firmar la declaración", All: "Ver todos los firmantes", None: "Todavía no hay firmantes.",
		hidden: "Los firmantes se publicarán el %s.", sep: ".",
		org: plural{"%s organización ha firmado", "", "%s organizaciones han firmado"},
		sig: plural{"%s firmante ha firmado", "", "%s firmantes han firmado"}},
	"zh": {Lang: "zh", Sign: "签署声明", All: "查看所有签署方", None: "暂无签署方。",
		hidden: "签署方名单将于 %s 公布。", sep: ",",
		org: plural{"已有 %s 个组织签署", "", "已有 %s 个组织签署"},
		sig: plural{"已有 %s 个签署方", "", "已有 %s 个签署方"}},
	"ru": {Lang: "ru", Sign: "Подписать заявление", All: "Все подписавшие", None: "Пока нет подписей.",
		hidden: "Список подписавших будет опубликован %s.", sep: "\u202f",
		org: plural{"%s организация подписала", "%s организации подписали", "%s организаций подписали"},
		sig: plural{"%s подписант", "%s подписанта", "%s подписантов"}},
	"uk": {Lang: "uk", Sign: "Підписати заяву", All: "Усі підписанти", None: "Поки що немає підписів.",
		hidden: "Список підписантів буде оприлюднено %s.", sep: "\u202f",
		org: plural{"%s організація підписала", "%s організації підписали", "%s організацій підписали"},
		sig: plural{"%s підписант", "%s підписанти", "%s підписантів"}},
}

// PhrasesFor returns the phrases of a language tag ("de", "zh-Hans"),
// falling back to fallback's and then to English.
func PhrasesFor(lang, fallback string) *Phrases {
	for _, l := range []string{lang, fallback} {
		primary, _, _ := strings.Cut(strings.ToLower(strings.TrimSpace(l)), "-")
		if p, ok := phrases[primary]; ok {
			return p
		}
	}
	return phrases["en"]
}

// Count formats a number the language's way.
func (p *Phrases) Count(n int64) string { return FormatCount(n, p.sep) }

// Signed says how many have signed the statement: "1,234 organisations
// have signed". Statements open to individuals speak of signatories.
func (p *Phrases) Signed(st *models.Statement, n int64) string {
	forms := p.org
	if st.AcceptsIndividuals {
		forms = p.sig
	}
	return fmt.Sprintf(forms.pick(p.Lang, n), p.Count(n))
}

// Hidden says when an embargoed list will be published.
func (p *Phrases) Hidden(until time.Time) string {
	date := until.UTC().Format("2006-01-02")
	if p.Lang == "en" {
		date = until.UTC().Format("2 January 2006")
	}
	return fmt.Sprintf(p.hidden, date)
}

func (f plural) pick(lang string, n int64) string {
	switch lang {
	case "ru", "uk":
		mod10, mod100 := n%10, n%100
		switch {
		case mod10 == 1 && mod100 != 11:
			return f.one
		case mod10 >= 2 && mod10 <= 4 && (mod100 < 12 || mod100 > 14):
			return f.few
		}
		return f.other
	case "fr":
		if n <= 1 {
			return f.one
		}
		return f.other
	}
	if n == 1 {
		return f.one
	}
	return f.other
}
