package web

// EnumIDs exposes enumIDs to the black-box tests.
var EnumIDs = enumIDs
