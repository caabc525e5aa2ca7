package web_test

import (
	"context"
	"encoding/json"
	"html"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/text/language"
	"gopkg.in/yaml.v3"

	"github.com/undersign/undersign/app/apptest"
	"github.com/undersign/undersign/app/audit"
	"github.com/undersign/undersign/app/db"
	"github.com/undersign/undersign/app/i18n"
	"github.com/undersign/undersign/app/instance"
	"github.com/undersign/undersign/app/mail"
	"github.com/undersign/undersign/app/moderation"
	"github.com/undersign/undersign/app/signing"
	"github.com/undersign/undersign/models"
)

// signLangCase is what a visitor reading one language sees of the sign
// form and the pages and email after it.
type signLangCase struct {
	lang     string
	labels   []string // labels and words of the form
	errors   map[string]string
	summary  string // the error summary for three wrong fields
	inbox    string
	subject  string // of the confirmation email
	mailText string
	approved string // subject of the approval email
	ukraine  string // the country's name in the select
	before   [2]string
}

var signLangCases = []signLangCase{
	{
		lang:   "uk",
		labels: []string{"Підписати цю заяву", "Назва організації", "Тип організації", "Профспілка", "Електронна пошта", "Показати інші цифри", "повідомленні про конфіденційність"},
		errors: map[string]string{
			"name":    "Поле «Назва або ім’я» має містити щонайменше 2 символи.",
			"email":   "Введіть правильну адресу електронної пошти, наприклад name@example.org.",
			"consent": "Щоб підписати, погодьтеся з повідомленням про конфіденційність.",
		},
		summary: "Виправте 3 поля, позначені нижче.",
		inbox:   "Перевірте пошту", subject: "Підтвердьте свій підпис під заявою «",
		mailText: "Щоб підтвердити, відкрийте це посилання й натисніть «Підтвердити мій підпис»:",
		approved: "Ваш підпис під заявою «", ukraine: "Україна",
		// Ukrainian order: Австрія before Україна.
		before: [2]string{"Австрія", "Україна"},
	},
	{
		lang:   "zh-Hans",
		labels: []string{"签署本声明", "组织名称", "组织类型", "工会", "电子邮件", "换一组数字", "隐私声明"},
		errors: map[string]string{
			"name":    "“名称”至少需要 2 个字符。",
			"email":   "请输入有效的电子邮件地址，例如 name@example.org。",
			"consent": "签署前请同意隐私声明。",
		},
		summary: "请更正下面标出的 3 个字段。",
		inbox:   "请查收邮件", subject: "请确认您对《",
		mailText: "如需确认，请打开此链接并点击“确认我的签名”：",
		approved: "您对《", ukraine: "乌克兰",
		// Pinyin order: Deguo (德国) before Wukelan (乌克兰).
		before: [2]string{"德国", "乌克兰"},
	},
}

// TestSignFormErrorsInboxAndEmailsSpeakTheSignersLanguage: ?lang= turns the
// form, its errors next to the fields, the inbox page and the emails to
// the signer into that language; the signature remembers it for the
// moderators' emails later.
func TestSignFormErrorsInboxAndEmailsSpeakTheSignersLanguage(t *testing.T) {
	apptest.ForEachDB(t, func(t *testing.T, d *db.DB) {
		in := signInstance(t, d)
		for _, tc := range signLangCases {
			t.Run(tc.lang, func(t *testing.T) {
				c := apptest.NewClient(t, in.Web.App())
				page := c.Get(signPath + "?lang=" + tc.lang)
				if page.StatusCode != 200 || !strings.Contains(page.Body, `<html lang="`+tc.lang+`"`) {
					t.Fatalf("GET ?lang=%s: %d, page not in %s", tc.lang, page.StatusCode, tc.lang)
				}
				for _, w := range tc.labels {
					if !strings.Contains(page.Body, html.EscapeString(w)) {
						t.Errorf("the form lacks %q", w)
					}
				}
				ua, first := strings.Index(page.Body, ">"+tc.ukraine+"</option>"), strings.Index(page.Body, ">"+tc.before[0]+"</option>")
				if ua < 0 || first < 0 || first > strings.Index(page.Body, ">"+tc.before[1]+"</option>") {
					t.Errorf("countries not named or not sorted in %s", tc.lang)
				}
				if strings.Contains(page.Body, "Sign this statement") || strings.Contains(page.Body, ">Ukraine<") {
					t.Error("English left on the form")
				}

				// The lang cookie carries the choice to the POST.
				f := parseSignForm(t, c, d, page.Body)
				v := orgValues(f, "not an email")
				v.Set("name", "A")
				v.Del("consent")
				resp := c.PostForm(signPath, v)
				if resp.StatusCode != http.StatusUnprocessableEntity {
					t.Fatalf("invalid form: %d", resp.StatusCode)
				}
				for field, msg := range tc.errors {
					if !strings.Contains(resp.Body, `<p class="error" id="`+field+`-error">`+html.EscapeString(msg)+`</p>`) {
						t.Errorf("no %s message %q next to %s:\n%s", tc.lang, msg, field, errorLines(resp.Body))
					}
					if !regexp.MustCompile(`<(input|textarea|select)[^>]*aria-invalid="true" aria-describedby="` + field + `-error"`).MatchString(resp.Body) {
						t.Errorf("the %s field is not marked invalid and tied to its message", field)
					}
				}
				if !strings.Contains(resp.Body, `role="alert"`) || !strings.Contains(resp.Body, html.EscapeString(tc.summary)) ||
					!strings.Contains(resp.Body, `<li><a href="#sign-name">`+html.EscapeString(tc.errors["name"])+`</a></li>`) {
					t.Errorf("error summary: no alert, no %q or no link to the name field", tc.summary)
				}
				if !strings.Contains(resp.Body, `value="Olena Petrenko"`) {
					t.Error("the values typed were not kept")
				}

				// A valid form: the inbox page and the email in the language.
				f = parseSignForm(t, c, d, resp.Body)
				email := "signer-" + strings.ToLower(tc.lang) + "@example.org"
				v = orgValues(f, email)
				v.Set("name", "Union "+tc.lang)
				if r := c.PostForm(signPath, v); r.StatusCode != http.StatusSeeOther {
					t.Fatalf("sign: %d\n%s", r.StatusCode, errorLines(r.Body))
				}
				if inbox := c.Get("/s/" + signSlug + "/inbox"); !strings.Contains(inbox.Body, "<h1>"+tc.inbox+"</h1>") {
					t.Errorf("inbox page not in %s", tc.lang)
				}
				sig := signatureByEmail(t, d, email)
				if sig.Lang != tc.lang {
					t.Errorf("signature language %q, want %q", sig.Lang, tc.lang)
				}
				m := signerMail(t, in, email)
				if !strings.HasPrefix(m.Subject, tc.subject) || !strings.Contains(m.Text, tc.mailText) ||
					!strings.Contains(m.HTML, `<html lang="`+tc.lang+`">`) || strings.Contains(m.Text, "Hello") {
					t.Errorf("confirmation email not in %s: %q\n%s", tc.lang, m.Subject, m.Text)
				}

				// The moderators' decision reaches the signer in the language
				// of the form, whatever the moderator reads.
				token := confirmToken(t, in)
				page = c.Get("/confirm/" + token)
				if r := c.PostForm("/confirm/"+token, url.Values{"csrf": {csrfRe.FindStringSubmatch(page.Body)[1]}}); r.StatusCode != http.StatusSeeOther {
					t.Fatalf("confirm: %d", r.StatusCode)
				}
				sig = signatureByEmail(t, d, email)
				mod := moderation.New(in.Store, mail.NewOutbox(in.Config, in.Keys), in.Events, in.Config.BaseURL)
				if _, err := mod.Decide(context.Background(), audit.Actor{Email: "moderator@example.org"}, moderation.Decision{
					SignatureID: sig.ID, StatementID: sig.StatementID, Version: sig.Version, Action: moderation.Approve}); err != nil {
					t.Fatal(err)
				}
				if m := signerMail(t, in, email); !strings.HasPrefix(m.Subject, tc.approved) {
					t.Errorf("approval email not in %s: %q", tc.lang, m.Subject)
				}
			})
		}
	})
}

// TestEnglishStaysTheDefaultAndTheAPIKeepsEnglish: without a choice the
// form is English; the JSON API's messages are English whatever the
// client's language, while its confirmation email follows that language.
func TestEnglishStaysTheDefaultAndTheAPIKeepsEnglish(t *testing.T) {
	apptest.ForEachDB(t, func(t *testing.T, d *db.DB) {
		in := signInstance(t, d)
		c := apptest.NewClient(t, in.Web.App())
		if page := c.Get(signPath); !strings.Contains(page.Body, "Sign this statement") || !strings.Contains(page.Body, ">Ukraine</option>") {
			t.Error("the default form is not English")
		}
		req := apptest.NewRequest(http.MethodPost, signAPI, strings.NewReader(`{"name":"x","email":"nope","consent":false}`), "application/json")
		req.Header.Set("Accept-Language", "uk")
		resp := c.Do(req)
		var out struct {
			Fields map[string]string `json:"fields"`
		}
		if err := json.Unmarshal([]byte(resp.Body), &out); err != nil || resp.StatusCode != 422 {
			t.Fatalf("API: %d %s", resp.StatusCode, resp.Body)
		}
		if out.Fields["name"] != "The name must be at least 2 characters long." || out.Fields["email"] == "" {
			t.Errorf("API field messages: %v", out.Fields)
		}
	})
}

func signatureByEmail(t *testing.T, d *db.DB, email string) models.Signature {
	t.Helper()
	var sig models.Signature
	if err := d.Where("email = ?", email).Take(&sig).Error; err != nil {
		t.Fatalf("signature of %s: %v", email, err)
	}
	return sig
}

// signerMail is the newest email queued for to, as it will be sent.
func signerMail(t *testing.T, in *instance.Instance, to string) mail.Rendered {
	t.Helper()
	msgs, err := in.Store.OutboxMessages(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for i := len(msgs) - 1; i >= 0; i-- {
		if msgs[i].Recipient != to {
			continue
		}
		plain, err := in.Keys.Open(msgs[i].Payload)
		if err != nil {
			t.Fatal(err)
		}
		var r mail.Rendered
		if err := json.Unmarshal(plain, &r); err != nil {
			t.Fatal(err)
		}
		return r
	}
	t.Fatalf("no email to %s", to)
	return mail.Rendered{}
}

// TestEveryDynamicMessageIsTranslated covers the message ids that the
// catalog test cannot see in the source: the signing rules' ids, the field
// and organisation type labels, the *Error ids of the web layer, and every
// plural form of every public message for the counts a page may show.
func TestEveryDynamicMessageIsTranslated(t *testing.T) {
	cat := i18n.MustLoad()
	ids := append([]string{}, signing.MessageIDs()...)
	form := reflect.TypeOf(signing.Form{})
	for i := range form.NumField() {
		if name, _, _ := strings.Cut(form.Field(i).Tag.Get("json"), ","); name != "fax" {
			ids = append(ids, "sign.field."+name)
		}
	}
	for _, ot := range signing.OrgTypes() {
		ids = append(ids, "orgtype."+ot.Code)
	}
	errID := regexp.MustCompile(`\bID:\s+"([a-z0-9_.]+)"`)
	files, _ := filepath.Glob("*.go")
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range errID.FindAllStringSubmatch(string(src), -1) {
			ids = append(ids, m[1])
		}
	}
	src, err := os.ReadFile("../i18n/locales/public.en.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var public map[string]any
	if err := yaml.Unmarshal(src, &public); err != nil {
		t.Fatal(err)
	}
	for _, tag := range i18n.Supported {
		loc := cat.Locale(tag)
		for _, id := range ids {
			if loc.T(id) == id {
				t.Errorf("%s: no message %s", tag, id)
			}
		}
		for id := range public {
			for _, n := range []int{0, 1, 2, 3, 5, 11, 21, 22, 25, 101, 1000, 1000000} {
				if got := loc.T(id, "Count", n, "N", "n", "Field", "f"); got == id || got == "" {
					t.Errorf("%s: %s has no form for %d", tag, id, n)
				}
			}
		}
	}
}

// TestPluralsOfTheCounts: the count of signatories takes the right form
// in the Slavic languages, whose plurals follow the last digits.
func TestPluralsOfTheCounts(t *testing.T) {
	cat := i18n.MustLoad()
	for _, tc := range []struct {
		tag  language.Tag
		id   string
		want map[int]string
	}{
		{language.Ukrainian, "list.signed_orgs", map[int]string{1: "1 організація підписала", 3: "3 організації підписали",
			5: "5 організацій підписали", 21: "21 організація підписала", 11: "11 організацій підписали", 22: "22 організації підписали"}},
		{language.Russian, "list.signed_orgs", map[int]string{1: "1 организация подписала", 3: "3 организации подписали",
			5: "5 организаций подписали", 21: "21 организация подписала", 12: "12 организаций подписали"}},
		{language.Russian, "sign.wait", map[int]string{1: "1 минуту", 3: "3 минуты", 5: "5 минут", 21: "21 минуту"}},
		{language.Ukrainian, "sign.errors.summary", map[int]string{1: "Виправте 1 поле, позначене нижче.",
			3: "Виправте 3 поля, позначені нижче.", 5: "Виправте 5 полів, позначених нижче.", 21: "Виправте 21 поле, позначене нижче."}},
		{language.English, "list.signed_orgs", map[int]string{1: "1 organisation has signed", 21: "21 organisations have signed"}},
		{language.French, "list.signed_orgs", map[int]string{0: "0 organisation a signé", 1: "1 organisation a signé", 2: "2 organisations ont signé"}},
		{language.SimplifiedChinese, "list.signed_orgs", map[int]string{1: "已有 1 个组织签署", 21: "已有 21 个组织签署"}},
	} {
		loc := cat.Locale(tc.tag)
		for n, want := range tc.want {
			if got := loc.T(tc.id, "Count", n, "N", loc.Num(n)); got != want {
				t.Errorf("%s %s %d: %q, want %q", tc.tag, tc.id, n, got, want)
			}
		}
	}
}
