package web

import (
	"fmt"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/undersign/undersign/app/i18n"

	"github.com/undersign/undersign/models"
)

// chartHours is how far back the arrivals chart looks.
const chartHours = 72

// chartRowLimit bounds the rows read for one chart.
const chartRowLimit = 100000

// overviewView is the dashboard's front page.
type overviewView struct {
	Statements []statementSummary
	IsAdmin    bool
}

// statementSummary is one statement on the overview.
type statementSummary struct {
	Statement *models.Statement
	Counts    []statusCount
	Pending   int64
	Total     int64
	Chart     arrivalsChart
}

type statusCount struct {
	Status models.SignatureStatus
	N      int64
}

// displayStatuses is the order statuses are shown in.
var displayStatuses = []models.SignatureStatus{
	models.StatusPending, models.StatusApproved, models.StatusRejected, models.StatusSpam,
	models.StatusUnconfirmed, models.StatusWithdrawn,
}

func (h *admin) overview(c *fiber.Ctx) error {
	ctx := c.UserContext()
	sts, err := h.store.Statements(ctx)
	if err != nil {
		return err
	}
	counts, err := h.store.SignatureStatusCounts(ctx)
	if err != nil {
		return err
	}
	by := map[int64]map[models.SignatureStatus]int64{}
	for _, sc := range counts {
		if by[sc.StatementID] == nil {
			by[sc.StatementID] = map[models.SignatureStatus]int64{}
		}
		by[sc.StatementID][sc.Status] = sc.N
	}
	now := time.Now().UTC()
	v := overviewView{IsAdmin: user(c).IsAdmin()}
	for i := range sts {
		st := &sts[i]
		sum := statementSummary{Statement: st, Pending: by[st.ID][models.StatusPending]}
		for _, status := range displayStatuses {
			n := by[st.ID][status]
			sum.Counts = append(sum.Counts, statusCount{status, n})
			sum.Total += n
		}
		times, err := h.store.SignatureTimes(ctx, st.ID, now.Add(-chartHours*time.Hour), chartRowLimit)
		if err != nil {
			return err
		}
		sum.Chart = newArrivalsChart(h.locale(c), st.ID, times, now)
		v.Statements = append(v.Statements, sum)
	}
	return h.render(c, "admin/overview", h.locale(c).T("admin.overview.heading"), v)
}

// arrivalsChart is a bar chart of signatures per hour, drawn as SVG on the
// server: no script, and a text alternative for screen readers.
type arrivalsChart struct {
	ID         string
	Bars       []arrivalBar
	Width      int
	Height     int
	Max        int
	Total      int
	Summary    string
	StartLabel string
	EndLabel   string
	BaselineY  int
	MaxLabelY  int
	LabelY     int
}

type arrivalBar struct {
	X, Y, W, H int
	Label      string
}

const (
	chartBarWidth = 8
	chartHeight   = 120
	chartTop      = 14
	chartBottom   = 18
)

// chartHour writes an hour of the chart in the moderator's language.
func chartHour(loc *i18n.Locale, t time.Time) string { return loc.Date(t) + " " + t.Format("15:04") }

func newArrivalsChart(loc *i18n.Locale, statementID int64, times []time.Time, now time.Time) arrivalsChart {
	end := now.Truncate(time.Hour).Add(time.Hour)
	start := end.Add(-chartHours * time.Hour)
	counts := make([]int, chartHours)
	for _, t := range times {
		i := int(t.UTC().Sub(start) / time.Hour)
		if i >= 0 && i < chartHours {
			counts[i]++
		}
	}
	ch := arrivalsChart{ID: fmt.Sprintf("chart-%d", statementID), Width: chartHours * chartBarWidth,
		Height: chartHeight, BaselineY: chartHeight - chartBottom, MaxLabelY: chartTop - 3, LabelY: chartHeight - 4,
		StartLabel: chartHour(loc, start), EndLabel: chartHour(loc, end) + " UTC"}
	peak := 0
	for i, n := range counts {
		ch.Total += n
		if n > ch.Max {
			ch.Max, peak = n, i
		}
	}
	plot := chartHeight - chartTop - chartBottom
	for i, n := range counts {
		if n == 0 {
			continue
		}
		hgt := max(1, n*plot/max(ch.Max, 1))
		hour := start.Add(time.Duration(i) * time.Hour)
		ch.Bars = append(ch.Bars, arrivalBar{X: i * chartBarWidth, Y: ch.BaselineY - hgt, W: chartBarWidth - 2, H: hgt,
			Label: fmt.Sprintf("%s: %s", chartHour(loc, hour), loc.Num(n))})
	}
	if ch.Total == 0 {
		ch.Summary = loc.T("admin.chart.empty")
	} else {
		ch.Summary = loc.T("admin.chart.summary", "Count", ch.Total, "N", loc.Num(ch.Total),
			"Hour", chartHour(loc, start.Add(time.Duration(peak)*time.Hour))+" UTC", "Max", loc.Num(ch.Max))
	}
	return ch
}
