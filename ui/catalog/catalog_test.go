package catalog

import (
	"regexp"
	"slices"
	"strings"
	"testing"
)

var placeholder = regexp.MustCompile(`\{[0-9]+\}`)

// args are the placeholders a text uses, sorted.
func args(text string) []string {
	a := placeholder.FindAllString(text, -1)
	slices.Sort(a)
	return slices.Compact(a)
}

// TestEveryMessageInEveryLanguage: each ID has text in each language,
// every form of it uses the same arguments as English, and no two IDs
// say the same thing in English (a copy-paste slip).
func TestEveryMessageInEveryLanguage(t *testing.T) {
	seen := map[string]ID{}
	for id := ID(0); id < numIDs; id++ {
		ref := en[id]
		if ref.other == "" {
			t.Errorf("message %d has no English text", id)
			continue
		}
		if prev, dup := seen[ref.other]; dup {
			t.Errorf("messages %d and %d both say %q", prev, id, ref.other)
		}
		seen[ref.other] = id
		for _, tag := range Languages() {
			m := For(tag).lang().msgs[id]
			if m.other == "" {
				t.Errorf("%s: message %d (%q) has no text", tag, id, ref.other)
				continue
			}
			forms := []string{m.other}
			if m.one != "" {
				forms = append(forms, m.one)
			}
			for _, f := range forms {
				if !slices.Equal(args(f), args(ref.other)) {
					t.Errorf("%s: message %d %q uses %v, English %v", tag, id, f, args(f), args(ref.other))
				}
			}
		}
	}
}

func TestFor(t *testing.T) {
	for _, tt := range []struct{ tag, want string }{
		{"", "en"}, {"en", "en"}, {"en-GB", "en"}, {"zh", "zh"}, {"zh-CN", "zh"}, {"zh-Hans", "zh"},
		{"zh_CN", "zh"}, {"fr", "en"}, {"zhx", "en"},
	} {
		if got := For(tt.tag).Tag(); got != tt.want {
			t.Errorf("For(%q) = %s, want %s", tt.tag, got, tt.want)
		}
	}
	if got := (Catalog{}).T(Welcome); got != "Welcome" {
		t.Errorf("zero Catalog says %q, want English", got)
	}
	if For("en").Next() != "zh" || For("zh").Next() != "en" {
		t.Error("Next does not alternate en and zh")
	}
}

func TestT(t *testing.T) {
	en, zh := For("en"), For("zh")
	for _, tt := range []struct {
		c    Catalog
		id   ID
		args []any
		want string
	}{
		{en, Checking, []any{1}, "The cashier is checking 1 item"},
		{en, Checking, []any{0}, "The cashier is checking 0 items"},
		{en, Checking, []any{21}, "The cashier is checking 21 items"},
		{zh, Checking, []any{1}, "收银员正在核对 1 件商品"},
		{zh, Checking, []any{3}, "收银员正在核对 3 件商品"},
		{en, Page, []any{2, 3}, "2/3"},
		{en, More, []any{4}, "and 4 more"},
		{zh, More, []any{4}, "另有 4 件"},
		{en, Page, []any{2}, "2/{1}"}, // a missing argument stays visible
		{en, Welcome, []any{"ignored"}, "Welcome"},
		{zh, CheckOrder, nil, "请核对您的订单"},
		{en, ID(-1), nil, ""},
		{en, numIDs, nil, ""},
	} {
		if got := tt.c.T(tt.id, tt.args...); got != tt.want {
			t.Errorf("%s T(%d, %v) = %q, want %q", tt.c.Tag(), tt.id, tt.args, got, tt.want)
		}
	}
}

func TestNote(t *testing.T) {
	en, zh := For("en"), For("zh")
	if got := zh.Note("payment declined"); got != "支付被拒绝" {
		t.Errorf("zh note = %q", got)
	}
	if got := en.Note("payment declined"); got != "payment declined" {
		t.Errorf("en note = %q", got)
	}
	// The payment system's own words are shown as they came.
	if got := zh.Note("CODE_EXPIRED: refresh the code"); got != "CODE_EXPIRED: refresh the code" {
		t.Errorf("foreign note = %q", got)
	}
	for id := NoteCancelledNothingCharged; id <= NoteUnreadable; id++ {
		if strings.ContainsAny(zh.T(id), "abcdefghijklmnopqrstuvwxyz") {
			t.Errorf("zh note %d is not translated: %q", id, zh.T(id))
		}
	}
}

// FuzzT: any message text with any arguments fills without panicking,
// and text without braces comes back unchanged.
func FuzzT(f *testing.F) {
	f.Add("The cashier is checking {0} items", 3, "x")
	f.Add("{1}/{0}{", -1, "{0}")
	f.Add("{99999999999999999999}", 0, "")
	f.Fuzz(func(t *testing.T, text string, n int, s string) {
		got := fill(text, []any{n, s})
		if !strings.Contains(text, "{") && got != text {
			t.Fatalf("fill(%q) = %q", text, got)
		}
	})
}
