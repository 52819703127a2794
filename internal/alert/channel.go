package alert

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/mail"
	"net/url"
	"os"
	"slices"
	"strings"

	"github.com/llmcost/llmcost/internal/cost"
)

// ValidateChannel checks a channel and names each bad field.
func ValidateChannel(c *cost.AlertChannel) error {
	var errs []error
	c.Name = strings.TrimSpace(c.Name)
	if c.Name == "" {
		c.Name = c.Type
	}
	switch c.Type {
	case cost.ChannelWebhook, cost.ChannelSlack:
		if u, err := url.Parse(c.URL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			errs = append(errs, cost.FieldErrorf("url", "A %s channel needs an http:// or https:// URL.", c.Type))
		}
	case cost.ChannelEmail:
		if c.SMTPHost == "" {
			errs = append(errs, cost.FieldErrorf("smtp_host", "An email channel needs an SMTP host."))
		}
		if c.SMTPPort == 0 {
			c.SMTPPort = 587
		}
		if c.SMTPPort < 1 || c.SMTPPort > 65535 {
			errs = append(errs, cost.FieldErrorf("smtp_port", "The SMTP port must be between 1 and 65535."))
		}
		if _, err := mail.ParseAddress(c.From); err != nil {
			errs = append(errs, cost.FieldErrorf("from", "%q is not an email address.", c.From))
		}
		if len(c.To) == 0 {
			errs = append(errs, cost.FieldErrorf("to", "An email channel needs at least one recipient."))
		}
		for i, to := range c.To {
			if _, err := mail.ParseAddress(to); err != nil {
				errs = append(errs, cost.FieldErrorf(fmt.Sprintf("to[%d]", i), "%q is not an email address.", to))
			}
		}
	default:
		errs = append(errs, cost.FieldErrorf("type", "Unknown channel type %q; use webhook, slack or email.", c.Type))
	}
	if c.CustomerID != "" {
		if err := cost.ValidCustomerID(c.CustomerID); err != nil {
			errs = append(errs, err)
		} else if len(errs) == 0 {
			errs = append(errs, customerDestination(c))
		}
	}
	return errors.Join(errs...)
}

// customerDestination checks that a customer's channel points outside: https
// to a public host for webhooks and Slack, a public SMTP host for email. The
// guard checks the resolved address again at each delivery.
func customerDestination(c *cost.AlertChannel) error {
	if c.Type == cost.ChannelEmail {
		if err := publicHost(c.SMTPHost); err != nil {
			return cost.FieldErrorf("smtp_host", "A customer's email channel needs a public SMTP host: %v.", err)
		}
		return nil
	}
	u, _ := url.Parse(c.URL)
	if u.Scheme != "https" {
		return cost.FieldErrorf("url", "A customer's %s channel needs an https:// URL.", c.Type)
	}
	if err := publicHost(u.Hostname()); err != nil {
		return cost.FieldErrorf("url", "A customer's %s channel needs a public host: %v.", c.Type, err)
	}
	return nil
}

// channelFile is the alert channels configuration file.
type channelFile struct {
	Channels []cost.AlertChannel `json:"channels"`
}

// LoadChannels reads channels from a JSON file {"channels":[{"id":…,"type":…}]}.
// Each needs a unique id; they are read-only through the API.
func LoadChannels(path string) ([]cost.AlertChannel, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("alert channels: %w", err)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var f channelFile
	if err := dec.Decode(&f); err != nil {
		return nil, cost.Errorf(cost.CodeInvalid, "%s: %v", path, err)
	}
	var ids []string
	for i := range f.Channels {
		c := &f.Channels[i]
		if c.ID == "" || slices.Contains(ids, c.ID) {
			return nil, cost.Errorf(cost.CodeInvalid, "%s: channels[%d] needs a unique id.", path, i)
		}
		ids = append(ids, c.ID)
		if err := ValidateChannel(c); err != nil {
			return nil, cost.Errorf(cost.CodeInvalid, "%s: channels[%d] (%s): %s (%s)", path, i, c.ID,
				cost.ErrorMessage(err), cost.ErrorField(err))
		}
		c.Source = "config"
	}
	return f.Channels, nil
}
