package app

import (
	"strconv"
	"strings"
)

// currencyDigits are the ISO 4217 currencies whose minor unit is not a hundredth: the
// digits after the decimal point. Every other code has two.
var currencyDigits = map[string]int{
	"BIF": 0, "CLP": 0, "DJF": 0, "GNF": 0, "ISK": 0, "JPY": 0, "KMF": 0, "KRW": 0, "PYG": 0, "RWF": 0,
	"UGX": 0, "UYI": 0, "VND": 0, "VUV": 0, "XAF": 0, "XOF": 0, "XPF": 0,
	"BHD": 3, "IQD": 3, "JOD": 3, "KWD": 3, "LYD": 3, "OMR": 3, "TND": 3,
}

// CurrencyDigits is how many decimal digits the currency's minor unit has (2 for EUR).
func CurrencyDigits(currency string) int {
	if d, ok := currencyDigits[strings.ToUpper(currency)]; ok {
		return d
	}
	return 2
}

// String writes the amount in major units with the currency's digits and its code, such as
// "1234.50 EUR"; without a currency, only the number of minor units.
func (m Money) String() string {
	if m.Currency == "" {
		return strconv.FormatInt(m.Minor, 10)
	}
	d := CurrencyDigits(m.Currency)
	v := m.Minor
	sign := ""
	if v < 0 {
		sign, v = "-", -v
	}
	s := strconv.FormatInt(v, 10)
	if d > 0 {
		s = strings.Repeat("0", max(0, d+1-len(s))) + s
		s = s[:len(s)-d] + "." + s[len(s)-d:]
	}
	return sign + s + " " + m.Currency
}

// ParseMoney reads an amount in major units ("120", "120.5", "120.50") of currency into
// minor units, exactly: no float is involved, and more digits than the currency has are
// refused.
func ParseMoney(s, currency string) (int64, error) {
	s = strings.TrimSpace(s)
	whole, frac, _ := strings.Cut(s, ".")
	d := CurrencyDigits(currency)
	if whole == "" || len(frac) > d || strings.ContainsAny(whole+frac, "+-") {
		return 0, Invalid("amount", "must be an amount like 120.50 with at most %d decimals", d)
	}
	w, err := strconv.ParseInt(whole, 10, 64)
	if err != nil || w > MaxHourlyMinor {
		return 0, Invalid("amount", "must be an amount like 120.50 with at most %d decimals", d)
	}
	f := int64(0)
	if frac != "" {
		if f, err = strconv.ParseInt(frac+strings.Repeat("0", d-len(frac)), 10, 64); err != nil {
			return 0, Invalid("amount", "must be an amount like 120.50 with at most %d decimals", d)
		}
	}
	scale := int64(1)
	for range d {
		scale *= 10
	}
	return w*scale + f, nil
}
