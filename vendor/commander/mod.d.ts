// Types of the vendored commander: @commander-js/extra-typings' declarations (which infer option
// and argument types from the flag strings) describe this API exactly, as they do npm:commander.
export * from "npm:@commander-js/extra-typings@15.1.0";
