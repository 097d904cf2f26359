/** The local web view (`synack ui`): server and page. */
export {};
