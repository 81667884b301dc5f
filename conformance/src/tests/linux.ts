// linux
export {};
