// ralphd: placeholder until the supervisor lands.
int main() { return 0; }
