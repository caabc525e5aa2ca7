package events

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgxlisten"
)

// Channel is the PostgreSQL notification channel of changed signatures.
const Channel = "undersign_signatures"

// Relay carries a bus's notices between the instances that share one
// PostgreSQL database: it sends this instance's with NOTIFY and delivers
// the others' as they LISTEN. Sending is asynchronous and coalesced, so a
// burst of decisions costs one NOTIFY per statement and interval, never a
// round trip on the request that made the change.
//
// A notice can be lost (the listener reconnecting, a NOTIFY failing); the
// caches it invalidates keep answers for a few seconds only, which bounds
// how stale another instance may be. After reconnecting, the relay tells
// its subscribers that every statement changed.
type Relay struct {
	bus    *Bus
	db     *sql.DB
	dsn    string
	log    *slog.Logger
	origin string // this instance, so that it skips its own notices
	queue  chan int64
	// overflow records a burst past the queue: everything changed.
	overflow atomic.Bool
	every    time.Duration
}

// NewRelay connects bus to the other instances on the database at dsn
// (sending through db, a pool on the same database). Run starts it.
func NewRelay(bus *Bus, db *sql.DB, dsn string, log *slog.Logger) *Relay {
	var id [8]byte
	_, _ = rand.Read(id[:])
	r := &Relay{bus: bus, db: db, dsn: dsn, log: log, origin: hex.EncodeToString(id[:]),
		queue: make(chan int64, 1024), every: 50 * time.Millisecond}
	bus.setRelay(r.enqueue)
	return r
}

func (r *Relay) enqueue(statementID int64) {
	select {
	case r.queue <- statementID:
	default:
		r.overflow.Store(true)
	}
}

// Run listens and sends until ctx ends.
func (r *Relay) Run(ctx context.Context) {
	l := &pgxlisten.Listener{
		Connect:        func(ctx context.Context) (*pgx.Conn, error) { return pgx.Connect(ctx, r.dsn) },
		LogError:       r.logError,
		ReconnectDelay: time.Second,
	}
	l.Handle(Channel, r)
	listening := make(chan struct{})
	go func() {
		defer close(listening)
		_ = l.Listen(ctx)
	}()
	r.send(ctx)
	<-listening
}

// send NOTIFYs the queued changes, each statement once per interval.
func (r *Relay) send(ctx context.Context) {
	t := time.NewTicker(r.every)
	defer t.Stop()
	pending := map[int64]bool{}
	for {
		select {
		case <-ctx.Done():
			return
		case id := <-r.queue:
			pending[id] = true
			continue
		case <-t.C:
		}
		if r.overflow.Swap(false) || pending[AllStatements] {
			pending = map[int64]bool{AllStatements: true}
		}
		for id := range pending {
			if err := r.notify(ctx, id); err != nil {
				r.logError(ctx, err)
			}
			delete(pending, id)
		}
	}
}

func (r *Relay) notify(ctx context.Context, statementID int64) error {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	payload := r.origin + " " + strconv.FormatInt(statementID, 10)
	if _, err := r.db.ExecContext(ctx, "SELECT pg_notify($1, $2)", Channel, payload); err != nil {
		return fmt.Errorf("notify: %w", err)
	}
	return nil
}

// HandleNotification delivers another instance's notice.
func (r *Relay) HandleNotification(_ context.Context, n *pgconn.Notification, _ *pgx.Conn) error {
	origin, id, ok := strings.Cut(n.Payload, " ")
	if !ok {
		return fmt.Errorf("malformed notice %q", n.Payload)
	}
	if origin == r.origin {
		return nil
	}
	statementID, err := strconv.ParseInt(id, 10, 64)
	if err != nil {
		return fmt.Errorf("malformed notice %q", n.Payload)
	}
	r.bus.Deliver(statementID)
	return nil
}

// HandleBacklog runs on every (re)connection: notices sent while this
// instance was not listening are lost, so everything counts as changed.
func (r *Relay) HandleBacklog(context.Context, string, *pgx.Conn) error {
	r.bus.Deliver(AllStatements)
	return nil
}

func (r *Relay) logError(ctx context.Context, err error) {
	if ctx.Err() == nil {
		r.log.Warn("instance notices", "err", err)
	}
}
