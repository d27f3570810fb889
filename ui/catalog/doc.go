// Package catalog is every word the customer reads, in each language the
// terminal speaks (English and Simplified Chinese), and the way each
// language writes amounts of money.
//
// Drawing code holds no text: it asks a Catalog, chosen by the view's
// language tag, for a message by ID.
//
//	c := catalog.For(v.Language)        // "zh", "zh-CN", "en", "" (English) …
//	c.T(catalog.CheckOrder)             // "请核对您的订单"
//	c.T(catalog.Checking, 3)            // "收银员正在核对 3 件商品"
//	c.Money(123450, cny)                // "¥1,234.50"
//
// Adding a message is one ID and one entry per language:
//
//  1. ids.go: a constant before numIDs, named after what it says
//     (ConfirmOnPhone), with a comment naming its arguments if any.
//  2. en.go and zh.go: ConfirmOnPhone: s("…"), or plural("… {0} item",
//     "… {0} items") where the words change with a count. Arguments are
//     written {0}, {1} … and may be ints or strings; the first int
//     argument picks the plural form.
//
// TestEveryMessageInEveryLanguage fails until both tables have the entry
// and use the same arguments. The package is pure: read-only tables, no
// I/O.
package catalog
