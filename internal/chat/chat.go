// Package chat answers plain-English cost questions. A built-in parser turns a
// question into a typed plan (intent, period, entities, grouping); the plan runs
// through cost.QueryService in the asker's scope, so an answer can only ever hold
// figures the principal may see. It never writes SQL.
package chat

import (
	"context"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/llmcost/llmcost/internal/cost"
)

// Config configures an Engine.
type Config struct {
	// Query answers every question; required.
	Query cost.QueryService
	// Store saves the alert rules that "alert me if…" creates; nil disables alerts.
	Store cost.Store
	// GrafanaURL, when set, makes dashboard links point at Grafana
	// (GrafanaURL/d/<uid>?from=<ms>&to=<ms>&var-…) instead of the built-in UI.
	GrafanaURL string
	// Logger logs failed questions; nil discards.
	Logger *slog.Logger
	// MaxConversations bounds the remembered conversations (default 10000).
	MaxConversations int
	// ConversationTTL is how long a conversation is remembered (default 30 minutes).
	ConversationTTL time.Duration
	// VocabularyTTL is how long the names a principal can mention are cached
	// (default 1 minute) when the store does not report a data version. A store
	// that does (DataVersion) keeps them until the version changes.
	VocabularyTTL time.Duration
	// Planner, when set, plans questions with a language model; on error or
	// timeout the built-in parser answers.
	Planner Planner
	// LLMTimeout bounds one planner call (default 8 seconds).
	LLMTimeout time.Duration
	// Alerts, when set, saves the rules asked for ("alert me if…") as the
	// alerts API does: validated, and within a customer's quota. Without it
	// they go straight to Store.
	Alerts cost.AlertService
}

// Engine is the built-in conversational engine. It implements cost.ChatService
// and is safe for concurrent use.
type Engine struct {
	query      cost.QueryService
	store      cost.Store
	alerts     cost.AlertService
	grafanaURL string
	logger     *slog.Logger
	convs      *conversations
	vocabTTL   time.Duration
	planner    Planner
	llmTimeout time.Duration

	mu      sync.Mutex
	vocabs  map[string]cachedVocab
	loading map[string]*vocabLoad
}

// vocabLoad is one vocabulary being loaded; questions that need the same one
// meanwhile wait for it rather than load it again.
type vocabLoad struct {
	done chan struct{}
	v    *vocab
	err  error
}

type cachedVocab struct {
	v       *vocab
	at      time.Time
	version string
}

// dataVersioner is a store that reports the version of its data, changed by every
// ingest and customer change.
type dataVersioner interface {
	DataVersion(ctx context.Context) (string, error)
}

var _ cost.ChatService = (*Engine)(nil)

// New returns an engine answering through c.Query.
func New(c Config) *Engine {
	if c.MaxConversations <= 0 {
		c.MaxConversations = 10000
	}
	if c.ConversationTTL <= 0 {
		c.ConversationTTL = 30 * time.Minute
	}
	if c.VocabularyTTL <= 0 {
		c.VocabularyTTL = time.Minute
	}
	if c.LLMTimeout <= 0 {
		c.LLMTimeout = 8 * time.Second
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	return &Engine{query: c.Query, store: c.Store, alerts: c.Alerts, grafanaURL: c.GrafanaURL, logger: c.Logger,
		convs: newConversations(c.MaxConversations, c.ConversationTTL), vocabTTL: c.VocabularyTTL,
		planner: c.Planner, llmTimeout: c.LLMTimeout, vocabs: map[string]cachedVocab{}, loading: map[string]*vocabLoad{}}
}

// Ask answers one question in p's scope. A question it does not understand gets an
// answer with Understood false and suggestions, never a guessed figure.
func (e *Engine) Ask(ctx context.Context, p cost.Principal, req cost.ChatRequest) (*cost.ChatAnswer, error) {
	if p.IsCustomer() && p.CustomerID == "" {
		return nil, cost.Errorf(cost.CodeForbidden, "A customer token must name its customer.")
	}
	if strings.TrimSpace(req.Message) == "" {
		return nil, cost.FieldErrorf("message", "Ask a question, e.g. “How much did we spend yesterday?”.")
	}
	now := e.query.Now()
	today := cost.Day(now)
	v, err := e.vocab(ctx, p)
	if err != nil {
		return nil, err
	}
	id := req.ConversationID
	if id == "" || len(id) > 100 {
		id = newID()
	}
	key := p.String() + "\x00" + id
	prior := e.convs.get(key, now)
	read := read(req.Message, today, v)
	var pl *plan
	ok, byLLM := false, false
	if e.planner != nil {
		if pl, err = e.llmPlan(ctx, p, v, req.Message, prior, today); err == nil {
			ok, byLLM = true, true
			if p.IsCustomer() && (read.unknown || read.strange > 0) {
				pl.Beyond = true
			}
		} else {
			e.logger.Info("chat: planner failed; using the built-in parser", "err", err)
		}
	}
	var refused *cost.ChatAnswer
	if !byLLM {
		if part, why, suggest, bad := unplacedIn(req.Message, read, p); bad {
			refused = notUnderstoodPart(part, why, suggest)
		} else {
			pl, ok = decide(read, prior, p, today)
		}
	}
	if refused == nil && ok {
		if part, why := unforeseeable(pl, today); part != "" {
			refused = notUnderstoodPart(part, why, []string{"What's the forecast for this month?", "What will we spend next month?"})
		} else if part := narrowedStatus(pl); part != "" {
			refused = notUnderstoodPart(part, "Budgets and month-end forecasts are kept for the whole organisation and per customer, not per provider, model or token type.",
				[]string{"What's the forecast for this month?", "How much will " + part + " cost next month?", "How much did we spend on " + part + " this month?"})
		}
	}
	var ans *cost.ChatAnswer
	switch {
	case refused != nil:
		ans = refused
	case !ok:
		ans = notUnderstood()
	case !byLLM && p.Admin && read.unknown && pl.customerID() == "":
		ans = unknownCustomer()
	default:
		if p.Admin && req.CustomerID != "" && !pl.namesCustomer() && prior == nil {
			pl.Filters = append(pl.Filters, entity{Dim: cost.DimCustomer, Value: req.CustomerID, Op: cost.OpEq})
		}
		ans, err = e.run(ctx, p, pl, v)
		if cost.ErrorCode(err) == cost.CodeForbidden {
			ans, err = ownDataOnly(), nil
		}
		if err != nil {
			e.logger.Warn("chat: answering failed", "principal", p.String(), "intent", pl.Intent, "err", err)
			return nil, err
		}
		if ans.Understood && pl.Intent != intentAlert && pl.Intent != intentHelp && pl.Intent != intentSetBudget {
			e.convs.put(key, pl, now)
		}
		if ans.Interpretation == nil {
			ans.Interpretation = interpretation(p, pl, ans, v, today)
		}
		if !byLLM {
			ans.Interpretation.Line += correctionsText(read.corrected)
		}
	}
	if ans.Interpretation == nil {
		ans.Interpretation = &cost.ChatInterpretation{Filters: []cost.Filter{}, Line: "Not understood"}
	}
	ans.ConversationID = id
	if ans.Links == nil {
		ans.Links = []cost.Link{}
	}
	return ans, nil
}

// vocab returns the vocabulary of p's scope, cached per data version when the
// store reports one, else for the vocabulary TTL. Questions that arrive while
// it loads (the first ones after start, while Warm runs) wait for that load.
func (e *Engine) vocab(ctx context.Context, p cost.Principal) (*vocab, error) {
	key := p.String()
	now := time.Now()
	version := ""
	if dv, ok := e.store.(dataVersioner); ok {
		var err error
		if version, err = dv.DataVersion(ctx); err != nil {
			e.logger.Warn("chat: data version", "err", err)
			version = ""
		}
	}
	e.mu.Lock()
	c, ok := e.vocabs[key]
	switch {
	case ok && version != "" && c.version == version, ok && version == "" && now.Sub(c.at) < e.vocabTTL:
		e.mu.Unlock()
		return c.v, nil
	}
	load := key + "\x00" + version
	if l := e.loading[load]; l != nil {
		e.mu.Unlock()
		select {
		case <-l.done:
			return l.v, l.err
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	l := &vocabLoad{done: make(chan struct{})}
	e.loading[load] = l
	e.mu.Unlock()
	// The load is shared, so one asker's cancelled request must not fail it
	// for the others waiting.
	l.v, l.err = loadVocab(context.WithoutCancel(ctx), e.query, p)
	e.mu.Lock()
	delete(e.loading, load)
	if l.err == nil {
		if len(e.vocabs) > 10000 {
			clear(e.vocabs)
		}
		e.vocabs[key] = cachedVocab{l.v, now, version}
	}
	e.mu.Unlock()
	close(l.done)
	return l.v, l.err
}

// Warm loads the admin's vocabulary ahead of the first question, so the first
// question after start is not slower than the rest.
func (e *Engine) Warm(ctx context.Context) error {
	_, err := e.vocab(ctx, cost.AdminPrincipal())
	return err
}

// suggestions offered when a question is not understood.
var defaultSuggestions = []string{
	"How much did we spend yesterday?",
	"Which model is most expensive this week?",
	"Are we over budget this month?",
}

func notUnderstood() *cost.ChatAnswer {
	return &cost.ChatAnswer{
		Answer: "Sorry, I didn't understand that question. I can answer questions about LLM costs, " +
			"tokens, budgets, forecasts and spikes — for example:",
		Suggestions: defaultSuggestions,
	}
}

func unknownCustomer() *cost.ChatAnswer {
	return &cost.ChatAnswer{
		Answer: "I couldn't find that customer. Ask about a customer by its id or name, for example:",
		Suggestions: []string{"Who are the top 5 customers this month?", "Which customers are over budget?",
			"Break down cost by customer for the last 30 days"},
	}
}

func ownDataOnly() *cost.ChatAnswer {
	return &cost.ChatAnswer{
		Answer:      "I can only answer questions about your own costs.",
		Suggestions: []string{"How much did I spend this month?", "Which model is most expensive this week?", "Am I over budget this month?"},
		Understood:  true,
	}
}
