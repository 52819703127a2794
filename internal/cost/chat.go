package cost

import "context"

// ChatService answers plain-English cost questions in a principal's scope.
type ChatService interface {
	Ask(ctx context.Context, p Principal, req ChatRequest) (*ChatAnswer, error)
}

// ChatRequest is the body of POST /api/v1/chat.
type ChatRequest struct {
	Message        string `json:"message"`
	ConversationID string `json:"conversation_id,omitempty"`
	// CustomerID narrows an admin's question to one customer; ignored (and never
	// widening) for customer principals.
	CustomerID string `json:"customer_id,omitempty"`
}

// Link is a titled URL, e.g. a dashboard deep link.
type Link struct {
	Title string `json:"title"`
	URL   string `json:"url"`
}

// ChatAnswer is the reply to a ChatRequest.
type ChatAnswer struct {
	Answer         string   `json:"answer"`
	ConversationID string   `json:"conversation_id"`
	Data           *Frame   `json:"data,omitempty"`
	Links          []Link   `json:"links"`
	Suggestions    []string `json:"suggestions"`
	// Chart hints how to draw Data: "", "line", "bar", "pie".
	Chart string `json:"chart,omitempty"`
	// Period is the exact range the answer covers, when it covers one.
	Period *DateRange `json:"period,omitempty"`
	// Understood is false when the engine did not understand the question; such
	// an answer holds no figure.
	Understood bool `json:"understood"`
	// Interpretation is how the engine read the question; every answer has one.
	Interpretation *ChatInterpretation `json:"interpretation"`
}

// ChatInterpretation is how a question was read: what it measures, over which
// days, for what, grouped how, and one short line saying so ("Total cost · AWS ·
// last week, Mon Nov 16 – Sun Nov 22").
type ChatInterpretation struct {
	// Intent names the kind of answer: total, breakdown, top, compare, budget…;
	// empty when the question was not understood.
	Intent string `json:"intent"`
	Metric Metric `json:"metric,omitempty"`
	// Period is the exact range answered; Against the range compared with.
	Period  *DateRange `json:"period,omitempty"`
	Against *DateRange `json:"against,omitempty"`
	Filters []Filter   `json:"filters"`
	GroupBy Dimension  `json:"group_by,omitempty"`
	// Limit is N of a top-N answer; Ascending ranks cheapest first.
	Limit     int  `json:"limit,omitempty"`
	Ascending bool `json:"ascending,omitempty"`
	// Line is the interpretation in one short line, shown under the answer.
	Line string `json:"line"`
	// NotUnderstood quotes the part of the question the engine could not place,
	// when it did not understand it.
	NotUnderstood string `json:"not_understood,omitempty"`
}
