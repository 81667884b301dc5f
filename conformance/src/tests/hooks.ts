// hooks
export {};
