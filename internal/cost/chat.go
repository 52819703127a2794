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
	// Understood is false when the engine did not understand the question.
	Understood bool `json:"understood"`
}
