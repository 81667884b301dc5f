// config
export {};
