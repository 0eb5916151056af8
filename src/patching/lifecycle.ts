/** The operation lifecycle, re-exported for the domain: the table lives in src/shared so the store can enforce it without importing the domain. */
export * from '../shared/lifecycle';
