package httpapi

import (
	"net/http"
	"strings"

	"github.com/llmcost/llmcost/internal/cost"
)

// maxChatMessage bounds a chat question, in bytes.
const maxChatMessage = 16 << 10

// handleChat answers a plain-English question in the caller's scope.
func (s *Server) handleChat(w http.ResponseWriter, r *http.Request) {
	if s.cfg.Chat == nil {
		s.writeError(w, r, cost.Errorf(cost.CodeNotImplemented, "Chat is not configured on this server."))
		return
	}
	var req cost.ChatRequest
	if err := s.decodeJSON(w, r, &req); err != nil {
		s.writeError(w, r, err)
		return
	}
	if err := validateChat(principal(r), req); err != nil {
		s.writeError(w, r, err)
		return
	}
	if wait := s.limits.chat.take(principal(r).String()); wait > 0 {
		s.tooMany(w, r, "chat", wait, "Too many chat questions")
		return
	}
	ans, err := s.cfg.Chat.Ask(r.Context(), principal(r), req)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.writeJSON(w, r, http.StatusOK, ans)
}

func validateChat(p cost.Principal, req cost.ChatRequest) error {
	switch {
	case strings.TrimSpace(req.Message) == "":
		return cost.FieldErrorf("message", "A message is required.")
	case len(req.Message) > maxChatMessage:
		return cost.FieldErrorf("message", "The message is longer than %d bytes.", maxChatMessage)
	}
	if req.CustomerID != "" {
		if err := cost.ValidCustomerID(req.CustomerID); err != nil {
			return err
		}
	}
	return checkScope(p, req.CustomerID)
}
