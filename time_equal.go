package halopsa

// Equal reports whether t and u are the same instant, as time.Time's Equal
// does: the form a Time came in (zone-less or not) and its location do not
// count. go-cmp (cmp.Equal, cmp.Diff) compares Times with it: Time's fields
// are unexported, and go-cmp uses a type's Equal(T) method when it has one.
//
// It replaces the Equal(time.Time) that the embedded time.Time gave Time:
// compare with a time.Time through the embedded field, t.Time.Equal(x). An
// Equal that took both would need an interface argument, which *Time also
// satisfies, so go-cmp would call it on nil *Time fields (an unset
// timestamp) and panic.
func (t Time) Equal(u Time) bool { return t.Time.Equal(u.Time) }
