package web

// EnumIDs exposes enumIDs to the black-box tests.
var EnumIDs = enumIDs

// FieldError exposes fieldError to the black-box tests.
var FieldError = fieldError
