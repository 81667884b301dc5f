// features
export {};
