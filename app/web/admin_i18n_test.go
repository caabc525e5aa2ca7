package web_test

import (
	"context"
	"encoding/json"
	"html"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/language"

	"github.com/undersign/undersign/app/apptest"
	"github.com/undersign/undersign/app/audit"
	"github.com/undersign/undersign/app/db"
	"github.com/undersign/undersign/app/i18n"
	"github.com/undersign/undersign/app/mail"
	"github.com/undersign/undersign/app/moderation"
	"github.com/undersign/undersign/app/web"
	"github.com/undersign/undersign/models"
)

// The dashboard follows the moderator's language like the public pages:
// ?lang= (remembered in a cookie), then Accept-Language; English otherwise.
func TestDashboardSpeaksUkrainianAndChinese(t *testing.T) {
	cases := []struct {
		lang  string
		login []string // on the login page
		queue []string // on the queue, with one pending signature
	}{
		{"uk", []string{`<html lang="uk"`, "<h1>Увійти</h1>", "Електронна пошта", "Забули пароль?"},
			[]string{`<html lang="uk"`, "Підписи: ", "Організація або пошта", ">очікує<", "Схвалити…",
				"Схвалити й надіслати лист підписантові", "Вибрані рядки", "1 з тієї самої IP-адреси за 24 год", "Журнал дій"}},
		{"zh-Hans", []string{`<html lang="zh-Hans"`, "<h1>登录</h1>", "电子邮箱", "忘记密码？"},
			[]string{`<html lang="zh-Hans"`, "签名：", "组织或邮箱", ">待审核<", "通过…", "通过并发邮件通知签名者",
				"已选的行", "24 小时内来自同一 IP 的有 1 个", "审计日志"}},
	}
	apptest.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newAdminEnv(t, d)
		e.signature(e.st, "Спілка Вчителів", "union@teachers.example")
		for _, tc := range cases {
			t.Run(tc.lang, func(t *testing.T) {
				c := e.client()
				login := c.Get("/admin/login?lang=" + tc.lang)
				body := html.UnescapeString(login.Body)
				for _, want := range tc.login {
					if !strings.Contains(body, want) {
						t.Errorf("login page lacks %q", want)
					}
				}
				if strings.Contains(body, "Forgot your password?") {
					t.Error("the login page is still in English")
				}
				// The choice is remembered: the login and the queue need no ?lang=.
				if r := adminLogin(t, c, e.admin.Email, adminTestPassword, ""); r.StatusCode != http.StatusSeeOther {
					t.Fatalf("login: %d", r.StatusCode)
				}
				queue := html.UnescapeString(c.Get("/admin/s/" + e.st.Slug + "/signatures").Body)
				for _, want := range tc.queue {
					if !strings.Contains(queue, want) {
						t.Errorf("queue lacks %q", want)
					}
				}
				for _, english := range []string{"Organisation or email", "Approve and email the signer", ">pending<"} {
					if strings.Contains(queue, english) {
						t.Errorf("queue still shows %q", english)
					}
				}
			})
		}
		// Accept-Language alone chooses too; a wrong password is answered in it.
		c := e.client()
		c.Header.Set("Accept-Language", "uk-UA,uk;q=0.9")
		if r := adminLogin(t, c, e.admin.Email, "wrong password!", ""); !strings.Contains(r.Body, "Неправильна електронна пошта або пароль") {
			t.Errorf("failed login in Ukrainian: %d", r.StatusCode)
		}
		// English stays the default.
		if r := e.client().Get("/admin/login"); !strings.Contains(r.Body, "Forgot your password?") || !strings.Contains(r.Body, `<html lang="en"`) {
			t.Error("the default login page is not English")
		}
	})
}

// Ids built from a value ({{$.T (print "admin.status." .Status)}}) escape
// the i18n package's scanner; this keeps them in every locale.
func TestDashboardEnumerationsAreTranslated(t *testing.T) {
	cat := i18n.MustLoad()
	for _, tag := range i18n.Supported {
		loc := cat.Locale(tag)
		for _, id := range web.EnumIDs() {
			if loc.T(id) == id {
				t.Errorf("%s: no message %s", tag, id)
			}
		}
	}
	if got := cat.Locale(language.Ukrainian).T("admin.status.pending"); got != "очікує" {
		t.Errorf("uk pending: %q", got)
	}
}

// The invitation is written in the language the admin uses.
func TestInvitationEmailIsInTheAdminsLanguage(t *testing.T) {
	apptest.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newAdminEnv(t, d)
		c := e.loggedIn(e.admin.Email)
		c.Get("/admin/users?lang=uk")
		if r := adminPost(t, c, "/admin/users/invite", url.Values{"email": {"nova@example.org"}, "role": {"moderator"}}); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("invite: %d", r.StatusCode)
		}
		m := lastMail(t, e, "nova@example.org")
		if m.Subject != "Вас запрошено модерувати в undersign" || !strings.Contains(m.Text, "запрошує вас до панелі керування undersign як модератора") ||
			!strings.Contains(m.Text, "http://undersign.test/admin/invite?token=") {
			t.Errorf("invitation: %q\n%s", m.Subject, m.Text)
		}
		if r := c.Get("/admin/users"); !strings.Contains(html.UnescapeString(r.Body), "Запрошення надіслано.") && !strings.Contains(r.Body, "Запросити когось") {
			t.Error("users page is not in Ukrainian")
		}
	})
}

func lastMail(t *testing.T, e *adminEnv, to string) mail.Rendered {
	t.Helper()
	var m models.OutboxMessage
	if err := e.in.Store.DB().Where("recipient = ?", to).Order("id DESC").Take(&m).Error; err != nil {
		t.Fatalf("no mail to %s: %v", to, err)
	}
	plain, err := e.in.Keys.Open(m.Payload)
	if err != nil {
		t.Fatal(err)
	}
	var r mail.Rendered
	if err := json.Unmarshal(plain, &r); err != nil {
		t.Fatal(err)
	}
	return r
}

func TestTranslationEditorAddsPreviewsAndEditsATranslation(t *testing.T) {
	apptest.ForEachDB(t, func(t *testing.T, d *db.DB) {
		e := newAdminEnv(t, d)
		ctx := context.Background()
		c := e.loggedIn(e.admin.Email)
		base := "/admin/statements/" + strconv.FormatInt(e.st.ID, 10)
		if r := c.Get(base); !strings.Contains(r.Body, "No translations yet.") || !strings.Contains(r.Body, `href="`+base+`/translations/new"`) {
			t.Fatalf("statement editor lacks the translations section: %d", r.StatusCode)
		}
		if r := c.Get(base + "/translations/new"); r.StatusCode != http.StatusOK || !strings.Contains(r.Body, "On Feb. 24, the Russian military") {
			t.Fatalf("new translation form: %d, or no original for reference", r.StatusCode)
		}
		form := url.Values{"create": {"1"}, "lang": {"UK"}, "title": {"Тестова заява"}, "preface": {"Примітка."},
			"body": {"Текст *заяви* <script>alert(1)</script>"}}
		preview := url.Values{"preview": {"1"}}
		for k, v := range form {
			preview[k] = v
		}
		r := adminPost(t, c, base+"/translations", preview)
		if r.StatusCode != http.StatusOK || !strings.Contains(r.Body, "Текст <em>заяви</em>") || strings.Contains(r.Body, "<script>alert(1)") {
			t.Fatalf("preview: %d, rendered and sanitised?", r.StatusCode)
		}
		if _, err := e.in.Store.Translation(ctx, e.st.ID, "uk"); err == nil {
			t.Fatal("a preview saved the translation")
		}
		// Bad input: a message next to each field, values kept, nothing stored.
		bad := url.Values{"create": {"1"}, "lang": {"en"}, "title": {""}, "body": {"Keep me"}}
		r = adminPost(t, c, base+"/translations", bad)
		if r.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "This is the original&#39;s language") ||
			!strings.Contains(r.Body, `id="title-error"`) || !strings.Contains(r.Body, "Keep me") {
			t.Errorf("invalid translation: %d", r.StatusCode)
		}
		if r = adminPost(t, c, base+"/translations", form); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("save: %d\n%s", r.StatusCode, r.Body)
		}
		tr, err := e.in.Store.Translation(ctx, e.st.ID, "uk")
		if err != nil || tr.Title != "Тестова заява" || tr.VersionHash != models.BodyHash(tr.Body) {
			t.Fatalf("stored translation: %+v %v", tr, err)
		}
		if r = adminPost(t, c, base+"/translations", form); r.StatusCode != http.StatusUnprocessableEntity ||
			!strings.Contains(r.Body, "A translation into this language exists") {
			t.Errorf("adding the same language twice: %d", r.StatusCode)
		}
		if e.auditCount(audit.StatementSaved) != 1 {
			t.Error("saving a translation is not audited")
		}
		edit := c.Get(base + "/translations/uk")
		if edit.StatusCode != http.StatusOK || !strings.Contains(edit.Body, "Тестова заява") || !strings.Contains(edit.Body, "readonly") {
			t.Fatalf("edit form: %d", edit.StatusCode)
		}
		reader := e.client()
		if page := reader.Get(seedPath + "?lang=uk"); !strings.Contains(page.Body, "Текст <em>заяви</em>") {
			t.Error("the public page does not show the new translation")
		}
		form.Del("create")
		form.Set("body", "Новий текст заяви.")
		if r = adminPost(t, c, base+"/translations", form); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("update: %d", r.StatusCode)
		}
		if tr2, _ := e.in.Store.Translation(ctx, e.st.ID, "uk"); tr2.Body != "Новий текст заяви.\n" || tr2.ID != tr.ID {
			t.Errorf("updated translation: %+v", tr2)
		}
		if r := c.Get(base); !strings.Contains(r.Body, "Українська") || !strings.Contains(r.Body, base+"/translations/uk") {
			t.Error("the statement editor does not list the translation")
		}
		// The public page shows it, the original's hash is unchanged.
		st, _ := e.in.Store.StatementByID(ctx, e.st.ID)
		if st.VersionHash != e.st.VersionHash {
			t.Error("a translation changed the original's version")
		}
		if page := reader.Get(seedPath + "?lang=uk"); !strings.Contains(page.Body, "Новий текст заяви.") {
			t.Error("the public page still shows the translation as it was before the edit")
		}
		// Moderators may not edit translations; unknown ones are not found.
		mc := e.loggedIn(e.mod.Email)
		if r := adminPost(t, mc, base+"/translations", form); r.StatusCode != http.StatusForbidden {
			t.Errorf("moderator saving a translation: %d", r.StatusCode)
		}
		if r := c.Get(base + "/translations/de"); r.StatusCode != http.StatusNotFound {
			t.Errorf("missing translation: %d", r.StatusCode)
		}
	})
}

// The moderation service words field problems in English; the dashboard
// must know each one to translate it.
func TestStatementFieldProblemsAreTranslated(t *testing.T) {
	uk := i18n.MustLoad().Locale(language.Ukrainian)
	st := &models.Statement{Slug: "Not A Slug", Status: "live"}
	opens, closes := time.Now(), time.Now().Add(-time.Hour)
	st.OpensAt, st.ClosesAt = &opens, &closes
	problems := moderation.ValidateStatement(st)
	if len(problems) < 6 {
		t.Fatalf("only %d problems: %v", len(problems), problems)
	}
	for field, msg := range problems {
		if got := web.FieldError(uk, msg); got == msg {
			t.Errorf("%s: %q is not translated", field, msg)
		}
	}
}
