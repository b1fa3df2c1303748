// Package expr is the expression language of problem specs (SPEC.md §2):
// a lexer and parser producing the AST of ast.go, a printer whose output
// parses back to an equal tree, name resolution against a Scope (constants
// and helper functions inlined, shorthand derivatives made explicit,
// derivatives of closed-form expressions taken symbolically), symbolic
// differentiation and simplification, and compilation of derivative-free
// expressions to float64 closures.
//
// The package knows nothing about networks: what survives Resolve (Deriv of
// fields, lap, biharm, dn and hidden-term calls) is for a compiler elsewhere
// (pinn) to give meaning to.
//
// Positions: every node records the token where it starts, except Binary,
// which records its operator token (the most useful place to point at for a
// type or name error involving both operands), and Deriv/Call, which record
// their function-name token. Nodes produced by Resolve from helper
// functions or exact solutions carry the position of the name that was
// replaced, so that later errors still point into the expression the user
// wrote.
package expr
