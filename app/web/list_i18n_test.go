package web_test

import (
	"encoding/xml"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/language"

	"github.com/undersign/undersign/app/apptest"
	"github.com/undersign/undersign/app/db"
	"github.com/undersign/undersign/app/i18n"
)

// TestPublicListCountsInEveryFormOfThePlural: the list page, the summary
// under the statement, the embed and the badge count in the visitor's
// language (?lang=), with the Slavic plural forms right for 1, 3, 5 and 21.
func TestPublicListCountsInEveryFormOfThePlural(t *testing.T) {
	apptest.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newListEnv(t, d)
		want := map[int]map[string]string{
			1:  {"uk": "1 організація підписала", "ru": "1 организация подписала", "zh-Hans": "已有 1 个组织签署"},
			3:  {"uk": "3 організації підписали", "ru": "3 организации подписали", "zh-Hans": "已有 3 个组织签署"},
			5:  {"uk": "5 організацій підписали", "ru": "5 организаций подписали", "zh-Hans": "已有 5 个组织签署"},
			21: {"uk": "21 організація підписала", "ru": "21 организация подписала", "zh-Hans": "已有 21 个组织签署"},
		}
		n := 0
		for _, total := range []int{1, 3, 5, 21} {
			for ; n < total; n++ {
				country := "DE"
				if n%2 == 1 {
					country = "UA"
				}
				e.approved(e.st, listSig{Name: "Union " + string(rune('A'+n)), Country: country})
			}
			for lang, text := range want[total] {
				if b := e.get(listPage+"?lang="+lang, 200).Body; !strings.Contains(b, "<strong>"+text+"</strong>") {
					t.Errorf("list page, %s, %d signed: no %q", lang, total, text)
				}
				if b := e.get("/s/"+listSlug+"?lang="+lang, 200).Body; !strings.Contains(b, `<p class="signatories-total">`+text+`</p>`) {
					t.Errorf("statement page, %s, %d signed: no %q", lang, total, text)
				}
				if b := e.get(listEmbed+"?lang="+lang, 200).Body; !strings.Contains(b, `<p class="us-count">`+text+`</p>`) ||
					!strings.Contains(b, `<html lang="`+lang+`"`) {
					t.Errorf("embed, %s, %d signed: no %q", lang, total, text)
				}
				var svg struct {
					Title string `xml:"title"`
				}
				if err := xml.Unmarshal([]byte(e.get("/badge/"+listSlug+".svg?lang="+lang, 200).Body), &svg); err != nil || svg.Title != text {
					t.Errorf("badge, %s, %d signed: %q, want %q", lang, total, svg.Title, text)
				}
			}
		}

		uk := i18n.MustLoad().Locale(language.Ukrainian)
		page := e.get(listPage+"?lang=uk", 200).Body
		for _, w := range []string{`<html lang="uk"`, "<h1>Підписанти</h1>", `<th scope="col">Країна</th>`, "Німеччина", "Україна (10)",
			"Профспілка", uk.Date(time.Now().UTC()), "Підписи за днями", "Провідні країни", "Пошук за назвою", "Усі країни"} {
			if !strings.Contains(page, w) {
				t.Errorf("Ukrainian list page lacks %q", w)
			}
		}
		for _, w := range []string{">Signatories<", "Germany", "Trade union", "Signatures per day", "Search by name"} {
			if strings.Contains(page, w) {
				t.Errorf("Ukrainian list page still says %q", w)
			}
		}
		if b := e.get(listPage+"?lang=ru&q=union", 200).Body; !strings.Contains(b, "Найден 21 подписант.") {
			t.Error("Russian search count: no \"Найден 21 подписант.\"")
		}
		if b := e.get(listEmbed+"?lang=ru", 200).Body; !strings.Contains(b, "Германия") || !strings.Contains(b, "Все подписавшие") {
			t.Error("Russian embed: countries or links not in Russian")
		}

		feed := e.get("/s/"+listSlug+"/feed.atom?lang=uk", 200).Body
		if !strings.Contains(feed, `xml:lang="uk"`) || !strings.Contains(feed, "<title>Нові підписанти: ") ||
			!strings.Contains(feed, "серед підписантів заяви") {
			t.Errorf("Ukrainian feed:\n%.600s", feed)
		}
		if f := e.get("/s/"+listSlug+"/feed.atom", 200).Body; !strings.Contains(f, "<title>New signatories: ") {
			t.Error("the feed without ?lang= is not in the statement's language (English)")
		}

		snip := e.get("/s/"+listSlug+"/embed?lang=zh-Hans", 200).Body
		for _, w := range []string{"在您的网站上显示签署方", `data-copied="已复制"`, `data-copied="已复制到剪贴板。"`, ">复制</button>"} {
			if !strings.Contains(snip, w) {
				t.Errorf("Chinese snippet page lacks %q", w)
			}
		}
		js := e.get(listEmbed+"/widget.js", 200).Body
		if strings.Contains(js, "__UNDERSIGN_PHRASES__") || !strings.Contains(js, `"many":"{n} організацій підписали"`) ||
			!strings.Contains(js, `"zh-Hans":{`) {
			t.Error("widget.js does not carry the phrases of every language")
		}
	})
}

// TestLanguageSwitcher: every page's header names the seven languages in
// themselves and marks the current one.
func TestLanguageSwitcher(t *testing.T) {
	apptest.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newListEnv(t, d)
		page := e.get("/s/"+listSlug+"?lang=zh-Hans", 200).Body
		nav := page[strings.Index(page, `<nav class="languages"`):]
		nav = nav[:strings.Index(nav, "</nav>")]
		if !strings.Contains(nav, `<a href="?lang=zh-Hans" hreflang="zh-Hans" lang="zh-Hans" aria-current="true">简体中文</a>`) ||
			strings.Count(nav, "aria-current") != 1 {
			t.Errorf("switcher does not mark Chinese as current:\n%s", nav)
		}
		for _, name := range []string{">English<", ">Українська<", ">Русский<", ">Español<", ">Français<", ">Deutsch<"} {
			if !strings.Contains(nav, name) {
				t.Errorf("switcher lacks %s", name)
			}
		}
		if p := e.get("/s/"+listSlug, 200).Body; !strings.Contains(p, `lang="zh-Hans" aria-current="true"`) {
			t.Error("the choice was not remembered")
		}
	})
}
