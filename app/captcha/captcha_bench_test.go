package captcha_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/undersign/undersign/app/apptest"
	"github.com/undersign/undersign/app/captcha"
	"github.com/undersign/undersign/app/config"
	"github.com/undersign/undersign/app/db"
	"github.com/undersign/undersign/app/ratelimit"
	"github.com/undersign/undersign/app/store"
	"github.com/undersign/undersign/models"
)

func TestMain(m *testing.M) { apptest.Main(m) }

// liveChallenges is how many challenges wait in the table while one is
// verified, as when many visitors have the form open.
const liveChallenges = 10000

// BenchmarkVerify verifies one stored challenge per iteration, on each
// database: "right" uses up a live challenge with its answer (one DELETE
// ... RETURNING that finds it), "unknown" asks for an id that is not
// there, as a replayed or forged form does.
func BenchmarkVerify(b *testing.B) {
	for _, dialect := range apptest.Dialects {
		b.Run(string(dialect), func(b *testing.B) {
			d := apptest.NewDB(b, dialect)
			st := store.New(d)
			ch := captcha.New(st, ratelimit.New(st), config.Rate{Limit: 1, Window: time.Minute})
			pool := &challengePool{b: b, d: d}
			pool.seed(liveChallenges)
			b.Run("right", func(b *testing.B) {
				pool.b = b
				b.ReportAllocs()
				for b.Loop() {
					id, answer := pool.take()
					if ok, err := ch.Verify(context.Background(), id, answer); err != nil || !ok {
						b.Fatalf("verify %s: %v %v", id, ok, err)
					}
				}
			})
			b.Run("unknown", func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					if ok, err := ch.Verify(context.Background(), "unknown0000000000000", "123456"); err != nil || ok {
						b.Fatalf("verify unknown: %v %v", ok, err)
					}
				}
			})
		})
	}
}

// challengePool hands out seeded challenges with their answers, seeding
// more (off the clock) when they run out, so that the table always holds
// about liveChallenges of them.
type challengePool struct {
	b       *testing.B
	d       *db.DB
	next    int // number of the next challenge to seed
	ids     []string
	answers []string
}

func (p *challengePool) take() (id, answer string) {
	if len(p.ids) <= liveChallenges/2 {
		p.b.StopTimer()
		p.seed(liveChallenges / 2)
		p.b.StartTimer()
	}
	id, answer = p.ids[0], p.answers[0]
	p.ids, p.answers = p.ids[1:], p.answers[1:]
	return id, answer
}

// seed stores n more challenges in batches, as Issue would one by one.
func (p *challengePool) seed(n int) {
	p.b.Helper()
	exp := time.Now().UTC().Add(captcha.TTL)
	rows := make([]models.CaptchaChallenge, 0, n)
	for range n {
		i := p.next
		p.next++
		digits := []byte{byte(i % 10), byte(i / 10 % 10), byte(i / 100 % 10), byte(i / 1000 % 10), byte(i / 10000 % 10), byte(i / 100000 % 10)}
		id := fmt.Sprintf("bench%015d", i)
		rows = append(rows, models.CaptchaChallenge{ID: id, Digits: digits, ExpiresAt: exp})
		p.ids = append(p.ids, id)
		p.answers = append(p.answers, captcha.Answer(digits))
	}
	if err := p.d.WithContext(context.Background()).CreateInBatches(rows, 500).Error; err != nil {
		p.b.Fatalf("seed challenges: %v", err)
	}
}
