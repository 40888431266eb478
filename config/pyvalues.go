package config

import (
	"fmt"
	"strings"
)

// Helpers shared by the INI and the TOML loader.

// parseInetAddress is supervisord's inet_address: "host:port" (the last
// colon splits; the host is lowercased) or a bare port, 1..65535; an
// empty host or "*" means every interface.
func parseInetAddress(s string) (string, int, error) {
	host := ""
	portText := s
	if i := strings.LastIndexByte(s, ':'); i >= 0 {
		host, portText = strings.ToLower(s[:i]), s[i+1:]
		if portText == "" {
			return "", 0, fmt.Errorf("no port number specified in %s (expected host:port)", pyRepr(portText))
		}
	}
	port, err := pythonInt(portText, 10)
	if err != nil {
		if !strings.Contains(s, ":") {
			return "", 0, fmt.Errorf("not a valid port number: %s (expected a port from 1 to 65535)", pyRepr(s))
		}
		return "", 0, fmt.Errorf("invalid literal for int() with base 10: %s (expected a port from 1 to 65535)", pyRepr(portText))
	}
	if port < 1 || port > 65535 {
		return "", 0, fmt.Errorf("%d is outside 1..65535 (expected a port from 1 to 65535)", port)
	}
	if host == "*" {
		host = ""
	}
	return host, port, nil
}

// editDistance is the Levenshtein distance between a and b, in bytes.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
