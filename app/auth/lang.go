package auth

import "context"

type langKey struct{}

// WithLang returns ctx carrying the language ("uk", "zh-Hans") that the
// emails caused under it are written in: the dashboard passes the
// language the admin or the person resetting a password is using.
func WithLang(ctx context.Context, lang string) context.Context {
	return context.WithValue(ctx, langKey{}, lang)
}

// langOf is the language WithLang put in ctx, or "" for the default.
func langOf(ctx context.Context) string {
	lang, _ := ctx.Value(langKey{}).(string)
	return lang
}
